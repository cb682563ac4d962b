/**
 * Removes the values of the service's secret settings from text kept about an acceptance run
 * (SPEC §10): the command runs third-party code, and its output is stored and shown over the API.
 */
export const REDACTED = '[redacted]';

/**
 * Values shorter than this are not scrubbed: replacing every "a" of an output would destroy it and
 * hide nothing (such a value is no secret). Config refuses short tokens anyway.
 */
export const MIN_SECRET_LENGTH = 4;

/** The values to scrub, longest first, so that a secret containing another is replaced whole. */
export function secretList(values: readonly (string | undefined)[]): string[] {
  const unique = new Set(
    values.filter((v): v is string => v !== undefined && v.length >= MIN_SECRET_LENGTH),
  );
  return [...unique].sort((a, b) => b.length - a.length);
}

/** Every occurrence of every secret replaced by [redacted]. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * The secrets of a Redis URL: the whole URL, and its password as written and decoded (a client may
 * print either). The user name (often `default`) is not a secret.
 */
export function redisUrlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  const out = [url];
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      out.push(parsed.password);
      try {
        out.push(decodeURIComponent(parsed.password));
      } catch {
        // a malformed escape: the raw form is already listed
      }
    }
  } catch {
    // not a URL: the whole value is listed
  }
  return out;
}
