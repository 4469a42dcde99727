/** Typed application errors; one middleware turns them into a page or JSON (server/http/errors.ts). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends AppError {
  constructor(message = 'invalid input', details?: Record<string, unknown>) {
    super(400, 'invalid', message, details);
  }
}

export class Unauthorized extends AppError {
  constructor(message = 'authentication required') {
    super(401, 'unauthorized', message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'forbidden', reason?: string) {
    super(403, 'forbidden', message, reason ? { reason } : undefined);
  }
}

/** A state-changing request whose CSRF token is missing or wrong (an expired page, or a forgery). */
export class CsrfRejected extends AppError {
  constructor(message = 'invalid CSRF token') {
    super(403, 'csrf', message);
  }
}

export class NotFound extends AppError {
  constructor(message = 'not found') {
    super(404, 'not_found', message);
  }
}

/** The item is no longer in a state that allows the action; `reason` names it for the staff's language. */
export class Conflict extends AppError {
  constructor(message = 'conflict', reason?: string) {
    super(409, 'conflict', message, reason ? { reason } : undefined);
  }
}

export class PayloadTooLarge extends AppError {
  constructor(message = 'payload too large') {
    super(413, 'too_large', message);
  }
}

export class TooManyRequests extends AppError {
  constructor(message = 'too many requests') {
    super(429, 'rate_limited', message);
  }
}
