/**
 * The HTTP contract of the API (SPEC §4): every request and response schema, in zod, with the
 * TypeScript types inferred from them. A typed client (the CLI, the web dashboard) imports its types
 * from here; the server types its responses with the same types, and GET /openapi.json is generated
 * from the same schemas.
 */
export * from './acceptance-run.js';
export * from './catalog-document.js';
export * from './connector.js';
export * from './delivery-attempt.js';
export * from './event-requests.js';
export * from './health.js';
export * from './history-entry.js';
export * from './import-report.js';
export * from './machine-definition.js';
export * from './params.js';
export * from './problem.js';
export * from './registry-document.js';
export * from './requests.js';
export * from './subscription.js';
export * from './support-levels.js';
export * from './sweep.js';
export * from './token.js';
export * from './usage-result.js';
export * from './webhook-notification.js';
/** The request schemas that validate (their documented forms are in ./requests.ts). */
export * from '../schemas.js';
