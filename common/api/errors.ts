/**
 * Errors cross both transports as `{ code, message, reason? }` and are rebuilt as
 * `ApiError` on the other side, so the UI can branch on the code and show the message as
 * is. `code` is the coarse kind (HTTP-like); `reason`, where a refusal has one, is its
 * stable snake_case name (`gpu_busy`, `lease_not_found`, `payment_amount_mismatch`), for
 * UI and tests to branch on without reading the words. Every message says what happened
 * and what to do.
 */
export const API_ERROR_CODES = [
  'invalid_params',
  'unknown_call',
  'forbidden',
  'unauthorized',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ApiErrorCode;
  message: string;
  /** The refusal's stable snake_case name, where it has one. */
  reason?: string;
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly reason: string | undefined;

  constructor(code: ApiErrorCode, message: string, reason?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
  }

  toShape(): ApiErrorShape {
    return this.reason === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, reason: this.reason };
  }

  static fromShape(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, typeof shape.reason === 'string' ? shape.reason : undefined);
  }
}

export function isApiErrorShape(value: unknown): value is ApiErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    (API_ERROR_CODES as readonly string[]).includes(v.code) &&
    (v.reason === undefined || typeof v.reason === 'string')
  );
}
