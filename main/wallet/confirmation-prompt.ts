import type { SigningRequest } from '../../common/wallet/wallet-types';

/**
 * Where the owner approves what the wallet is about to do, outside the API (issue 14.2):
 * on the desktop a native dialog of the main process (main/desktop/native-confirmation-
 * prompt.ts), which no renderer script can click; tests pass their own. Anything that can
 * call the API could otherwise approve its own request.
 */
export interface ConfirmationPrompt {
  /** Shows the request; true when the owner approved it. `signal` aborts when the request expires. */
  ask(request: SigningRequest, signal: AbortSignal): Promise<boolean>;
}

/**
 * How an answer is proven to come from the owner: 'prompt' (desktop: only the
 * ConfirmationPrompt approves; `wallet:confirm` may decline but never approve) or
 * 'passphrase' (headless: `wallet:confirm` approves only with the wallet passphrase).
 */
export type OwnerProof =
  | { kind: 'prompt'; prompt: ConfirmationPrompt }
  | { kind: 'passphrase'; verify: (passphrase: string) => Promise<boolean> };
