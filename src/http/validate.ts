import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses input with a schema; a failure is a 400 naming every bad field path. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where = 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
    ...(issue.code === 'unrecognized_keys' ? { keys: issue.keys } : {}),
  }));
  const summary = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
  throw new ValidationError(`Invalid ${where}: ${summary}`.slice(0, 2000), { errors });
}
