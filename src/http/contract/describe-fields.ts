import type { z } from 'zod';

/**
 * The same object schema with a description on some of its fields, for the API reference. The
 * fields themselves (and any field added later) come from `schema`, so the documented request
 * cannot drift from the one that validates; refinements are kept.
 */
export function describeFields<T extends z.ZodObject>(
  schema: T,
  descriptions: { [K in keyof T['shape']]?: string },
): T {
  const described = Object.fromEntries(
    Object.entries(descriptions).map(([name, description]) => [
      name,
      (schema.shape[name] as z.ZodType).meta({ description: description }),
    ]),
  );
  return schema.safeExtend(described) as unknown as T;
}
