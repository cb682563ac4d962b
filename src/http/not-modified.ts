import type { Request, Response } from 'express';
import { etagMatches } from './connector-view.js';

/** The 304 answer of a GET that supports `If-None-Match`, as documented. */
export const notModifiedResponse = {
  description: 'Not modified: `If-None-Match` names the current `ETag` (no body).',
  headers: ['ETag'],
} as const;

/** Sets the ETag; answers 304 (no body) and returns true when `If-None-Match` names it. */
export function notModified(req: Request, res: Response, etag: string): boolean {
  res.set('ETag', etag);
  if (etagMatches(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return true;
  }
  return false;
}
