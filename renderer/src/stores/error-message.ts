import { ApiError } from '../../../common/api/errors';

/**
 * The text to show for a failed call. ApiError messages are written for people
 * (what happened, what to do), so they are shown as they are.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  if (typeof error === 'string' && error) return error;
  return 'Something went wrong. Try again; if it keeps happening, restart Idlegrid.';
}
