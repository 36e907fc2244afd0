import { ApiError } from '../../../common/api/errors';
import type { ApiErrorCode } from '../../../common/api/errors';
import { HubError } from '../../../common/hub/hub-errors';
import type { HubErrorCode } from '../../../common/hub/hub-errors';
import { errorText } from '../../../common/errors';

const API_CODE_OF: Record<HubErrorCode, ApiErrorCode> = {
  invalid_message: 'invalid_params',
  too_large: 'invalid_params',
  unauthenticated: 'unauthorized',
  out_of_order: 'conflict',
  rate_limited: 'unavailable',
  version_mismatch: 'unavailable',
  bad_signature: 'unauthorized',
  challenge_expired: 'unauthorized',
  challenge_replayed: 'unauthorized',
  unknown_challenge: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  no_capacity: 'conflict',
  payment_rejected: 'conflict',
  reservation_expired: 'conflict',
  unavailable: 'unavailable',
  internal: 'internal',
};

/**
 * A hub refusal as the renter's UI shows it: the API code it can branch on and words
 * that say what to do. The hub's own message already names the cause; here it gets the
 * renter's next step where the hub cannot know it.
 */
export function rentError(error: unknown, doing: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HubError) {
    const code = API_CODE_OF[error.code];
    // The hub's stable reason where it gave one, else its code (no_capacity, reservation_expired, …).
    const reason = error.reason ?? error.code;
    switch (error.code) {
      case 'no_capacity':
        return new ApiError(code, `No GPUs match this request. ${error.message} Widen the filters (model, VRAM, price, reliability, region) or ask for fewer GPUs.`, reason);
      case 'reservation_expired':
        return new ApiError(code, `The quote expired before it was paid, so the GPUs went back to the market. Ask for a new quote and pay it before it expires.`, reason);
      case 'payment_rejected':
        return new ApiError(code, `The hub did not accept the payment: ${error.message}`, reason);
      case 'rate_limited':
        return new ApiError(code, `The hub asks to slow down: ${error.message} Try again in a few seconds.`, reason);
      case 'version_mismatch':
        return new ApiError(code, `The hub speaks another protocol version: ${error.message} Update Idlegrid or the hub.`, reason);
      default:
        return new ApiError(code, `Could not ${doing}: ${error.message}`, reason);
    }
  }
  const message = errorText(error);
  return new ApiError('internal', `Could not ${doing}: ${message}`);
}

export function isHubError(error: unknown, code: HubErrorCode): error is HubError {
  return error instanceof HubError && error.code === code;
}
