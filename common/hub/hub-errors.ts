/**
 * Every refusal the hub sends carries one of these codes and a message in plain words
 * that says what happened and what to do, and where it has one a stable `reason`. The same
 * shape is used on HTTP (`{ error: { code, message, reason? } }`) and on the sockets
 * (`{ type: 'error', code, message, reason? }`).
 */
export const HUB_ERROR_CODES = [
  'invalid_message',
  'too_large',
  'unauthenticated',
  'out_of_order',
  'rate_limited',
  'version_mismatch',
  'bad_signature',
  'challenge_expired',
  'challenge_replayed',
  'unknown_challenge',
  'forbidden',
  'not_found',
  'conflict',
  'no_capacity',
  'payment_rejected',
  'reservation_expired',
  'unavailable',
  'internal',
] as const;
export type HubErrorCode = (typeof HUB_ERROR_CODES)[number];

export interface HubErrorShape {
  code: HubErrorCode;
  message: string;
  /**
   * The refusal's stable snake_case name where it has one (`lease_not_found`, `gpu_busy`);
   * for `payment_rejected`, the verifier's reason (wrong_mint, short_amount, …).
   */
  reason?: string;
}

export class HubError extends Error {
  readonly code: HubErrorCode;
  readonly reason: string | undefined;

  constructor(code: HubErrorCode, message: string, reason?: string) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.reason = reason;
  }

  toShape(): HubErrorShape {
    return this.reason === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, reason: this.reason };
  }
}

export function isHubErrorShape(value: unknown): value is HubErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && (HUB_ERROR_CODES as readonly string[]).includes(v.code as string);
}

/** HTTP status for each code, so plain HTTP clients (curl, a browser) see a fitting status too. */
export const HTTP_STATUS_OF: Record<HubErrorCode, number> = {
  invalid_message: 400,
  too_large: 413,
  unauthenticated: 401,
  out_of_order: 409,
  rate_limited: 429,
  version_mismatch: 426,
  bad_signature: 401,
  challenge_expired: 401,
  challenge_replayed: 401,
  unknown_challenge: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  no_capacity: 409,
  payment_rejected: 422,
  reservation_expired: 410,
  unavailable: 503,
  internal: 500,
};
