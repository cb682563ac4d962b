/**
 * `base` with `fields` added or replaced, as a new object: what `{ ...base, ...fields }` means.
 *
 * On the event path instead of a spread followed by further keys (`{ ...base, version }`): V8
 * (Node 20) builds such a literal on a slow path, 5 to 15 times slower than Object.assign into a
 * fresh object (1.5 µs against 0.3 µs for a stored record and its version, 3.9 µs against 0.2 µs
 * for an event body and its three meta fields, on the 2-core bench machine), and an event builds
 * several of them.
 */
export function withFields<T extends object, F extends object>(
  base: T,
  fields: F,
): Omit<T, keyof F> & F {
  return Object.assign({}, base, fields);
}
