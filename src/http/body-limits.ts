/**
 * Request body limits (SPEC §4: a larger body is a 413), in one place: the JSON parser enforces
 * them, the 413 problem names them and the API reference documents them.
 */

const MB = 1024 * 1024;

/** Every JSON body, unless its path has its own limit. */
export const DEFAULT_BODY_LIMIT = 1 * MB;

/**
 * Paths with a larger limit: usage batches of 10,000 entries are larger than 1 MB; imports carry
 * 1,000 metadata.yaml documents and more (SPEC §11).
 */
export const BODY_LIMIT_OVERRIDES: Readonly<Record<string, number>> = {
  '/v1/usage': 8 * MB,
  '/v1/imports': 16 * MB,
};

/** The limit for a request path (as mounted, e.g. `/v1/usage`). */
export function bodyLimitFor(path: string): number {
  return BODY_LIMIT_OVERRIDES[path] ?? DEFAULT_BODY_LIMIT;
}

/** `1048576` → `1 MB`. */
export function formatBodyLimit(bytes: number): string {
  return bytes % MB === 0 ? `${bytes / MB} MB` : `${bytes} bytes`;
}

/** `1 MB; 8 MB for /v1/usage`. */
export function describeBodyLimits(): string {
  return [
    formatBodyLimit(DEFAULT_BODY_LIMIT),
    ...Object.entries(BODY_LIMIT_OVERRIDES).map(([p, l]) => `${formatBodyLimit(l)} for ${p}`),
  ].join('; ');
}
