/**
 * The flags Node runs the service with: `npm start`, the Dockerfile's command and the bench
 * (`node <flags> dist/src/main.js`); test/unit/deploy/service-node-flags.test.ts keeps them in
 * agreement.
 *
 * `--no-allocation-site-pretenuring`: after a burst of concurrent requests (256 registrations at
 * once, say), V8 judged some of the request path's allocation sites long-lived and allocated their
 * objects in the old generation from then on. Those objects die young but stay until a full
 * collection, and everything younger they point to is copied out of the young generation at every
 * scavenge. At 100 requests/s after such a burst (`--trace-gc-nvp`, one API process), `GET
 * /healthz` promoted 8.4 KB per request into the old generation and each scavenge paused the
 * process 9 ms; with this flag, 0.3–0.4 KB and 0.7–2.0 ms. A `PUBLISH_RELEASE` event (every role
 * in one process) promoted 16 KB instead of 24 KB, its scavenges paused the process 2.8–2.9 ms
 * instead of 4.0–4.4 ms, and 1–2 full collections ran in 20 s instead of 5. The bench's figures
 * did not move beyond their noise (`npm run bench -- api` and `-- latency`, three pairs each).
 */
export const SERVICE_NODE_FLAGS = ['--no-allocation-site-pretenuring'] as const;
