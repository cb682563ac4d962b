import { z } from 'zod';

/**
 * Building blocks of the response schemas. Responses are plain `z.object`s (not strict): a response
 * may gain fields, and clients must ignore the ones they do not know.
 */

/** A UTC timestamp as the service writes every time (`Date#toISOString`). */
export const timestamp = z.iso.datetime();

/** A UTC calendar day, YYYY-MM-DD. */
export const calendarDay = z.iso.date();

/** An absolute URL. */
export const url = z.url();

/**
 * `schema` or `null`, written as a union so that a named schema stays a `$ref` (zod-to-openapi would
 * make the named component itself nullable for `schema.nullable()`).
 */
export function orNull<T extends z.ZodType>(schema: T) {
  return z.union([schema, z.null()]);
}

/** `{items: [...]}`, the shape of every list the API returns. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}
