/**
 * Errors cross both transports as `{ code, message }` and are rebuilt as `ApiError`
 * on the other side, so the UI can branch on the code and show the message as is.
 * Every message says what happened and what to do.
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
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }

  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }

  static fromShape(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message);
  }
}

export function isApiErrorShape(value: unknown): value is ApiErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.message === 'string' &&
    typeof v.code === 'string' &&
    (API_ERROR_CODES as readonly string[]).includes(v.code)
  );
}
