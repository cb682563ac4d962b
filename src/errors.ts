/**
 * Named errors with stable codes. The HTTP layer maps each to a problem+json response; workers use
 * `retryable` to decide between a retry and giving up.
 */
export abstract class LifecycleError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly retryable: boolean = false;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends LifecycleError {
  readonly code = 'INVALID_INPUT';
  readonly status = 400;
}
export class UnauthorizedError extends LifecycleError {
  readonly code = 'UNAUTHORIZED';
  readonly status = 401;
}
export class ForbiddenError extends LifecycleError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}
export class NotFoundError extends LifecycleError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}
export class AlreadyExistsError extends LifecycleError {
  readonly code = 'ALREADY_EXISTS';
  readonly status = 409;
}
/** Another connector already has this definitionId (SPEC §4). */
export class DefinitionIdExistsError extends LifecycleError {
  readonly code = 'DEFINITION_ID_EXISTS';
  readonly status = 409;
}
/** The event is not handled in the connector's current state. */
export class EventNotAllowedError extends LifecycleError {
  readonly code = 'EVENT_NOT_ALLOWED';
  readonly status = 409;
}
/** Another change to the same connector was committed first (compare-and-set lost). */
export class ConcurrentChangeError extends LifecycleError {
  readonly code = 'CONCURRENT_CHANGE';
  readonly status = 409;
  override readonly retryable = true;
}
export class PreconditionFailedError extends LifecycleError {
  readonly code = 'PRECONDITION_FAILED';
  readonly status = 412;
}
export class PayloadTooLargeError extends LifecycleError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}
export class UnsupportedMediaTypeError extends LifecycleError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}
/** A policy guard blocked the event. */
export class PolicyViolationError extends LifecycleError {
  readonly code: string;
  readonly status = 422;
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message, details);
    this.code = code;
  }
}
export class RateLimitedError extends LifecycleError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
}
export class RedisUnavailableError extends LifecycleError {
  readonly code = 'REDIS_UNAVAILABLE';
  readonly status = 503;
  override readonly retryable = true;
}
/** Stored data this code cannot read (e.g. a snapshot from a newer machine version). */
export class StoredDataError extends LifecycleError {
  readonly code = 'STORED_DATA_INVALID';
  readonly status = 500;
}

/** Turns anything thrown into an Error. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(JSON.stringify(value));
  } catch {
    return new Error(String(value));
  }
}
