import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

const MAX_DEPTH = 8;

/**
 * What an error may say in a log line. ioredis puts the failed command on its errors
 * (`command: {name, args}`, also on each of an EXECABORT's `previousErrors`), and the arguments
 * can hold snapshot JSON, token hashes, webhook secrets...: only the command's name is kept, and
 * no `args` at any depth.
 */
export function serializeError(err: unknown): unknown {
  return withoutCommandArguments(pino.stdSerializers.err(err as Error), new WeakSet(), 0);
}

function withoutCommandArguments(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => withoutCommandArguments(v, seen, depth + 1));
  const source = value instanceof Error ? pino.stdSerializers.err(value) : value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(source)) {
    if (key === 'args') continue;
    if (key === 'command' && field !== null && typeof field === 'object') {
      const name = (field as { name?: unknown }).name;
      if (typeof name === 'string') out.command = name;
      continue;
    }
    out[key] = withoutCommandArguments(field, seen, depth + 1);
  }
  return out;
}

/** The service's logger; `destination` is for tests that read the lines. */
export function createLogger(level: Config['logLevel'], destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'connector-lifecycle' },
    serializers: { err: serializeError, error: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
