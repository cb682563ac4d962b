import type { Problem } from '../api-types.js';

/** A request the API refused: its problem (RFC 9457) as the page shows it. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.title}: ${problem.detail}`);
    this.name = 'ApiError';
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

function networkProblem(err: unknown): Problem {
  return {
    type: 'about:blank',
    title: 'The service did not answer',
    status: 0,
    detail: err instanceof Error ? err.message : String(err),
  };
}

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.title === 'string') {
      return { ...body, status: res.status, detail: body.detail ?? '' } as Problem;
    }
  } catch {
    // not a problem document
  }
  return {
    type: 'about:blank',
    title: res.statusText || 'Error',
    status: res.status,
    detail: text,
  };
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  try {
    // no-store: conditional requests are ours (If-None-Match), not the browser cache's.
    return await fetch(path, { method: options.method ?? 'GET', headers, body, cache: 'no-store' });
  } catch (err) {
    throw new ApiError(networkProblem(err));
  }
}

/** Calls the API; resolves with the JSON body, rejects with an ApiError carrying the problem. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (!res.ok) throw new ApiError(await problemOf(res));
  return (await res.json()) as T;
}

export type Conditional<T> = { changed: false } | { changed: true; data: T; etag: string | null };

/** A GET with If-None-Match: `changed: false` on 304, so that polling costs almost nothing. */
export async function requestIfChanged<T>(
  path: string,
  etag: string | null,
  options: RequestOptions = {},
): Promise<Conditional<T>> {
  const res = await send(path, {
    ...options,
    headers: { ...options.headers, ...(etag ? { 'if-none-match': etag } : {}) },
  });
  if (res.status === 304) return { changed: false };
  if (!res.ok) throw new ApiError(await problemOf(res));
  return { changed: true, data: (await res.json()) as T, etag: res.headers.get('etag') };
}

/** Every page of a cursor-paginated list. */
export async function requestAll<T>(path: string, token: string | null, limit = 500): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { items: T[]; nextCursor: string | null } = await request(url, { token });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A key that makes a retried POST safe (the API replays the first answer). */
export function idempotencyKey(): string {
  // getRandomValues, not randomUUID: the page may be served over plain HTTP (no secure context).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
