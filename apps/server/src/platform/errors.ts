// One error class for the whole server. Services throw AppError; the HTTP layer maps the code to a status.
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  wecom_error: 502,
  unavailable: 503,
  internal: 500,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  static validation(field: string, message: string): AppError {
    return new AppError('validation_failed', `${field}: ${message}`, { field });
  }
  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} not found`);
  }
  static forbidden(message = 'your role may not do this'): AppError {
    return new AppError('forbidden', message);
  }
}
