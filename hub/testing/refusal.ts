import { HubError } from '../../common/hub/hub-errors';

/** Awaits a call the hub must refuse, and returns the refusal so a test can check its code. */
export async function refusal(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HubError) return error;
    throw error;
  }
  throw new Error('expected the hub to refuse');
}
