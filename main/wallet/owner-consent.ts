import { signingDraft } from './signing-approvals';
import type { SigningApprovals } from './signing-approvals';

export interface OwnerConsentDeps {
  approvals: SigningApprovals;
  /** The active wallet, or null when there is none (then nothing can be spent, nothing to guard). */
  activeAddress: () => string | null;
  networkKind: () => Parameters<typeof signingDraft>[2];
}

/**
 * Changes that let money move later without asking — granting or raising an auto-pay
 * budget or its limits, switching the network or hub — need the owner's confirmation like
 * a send does (the desktop dialog, or the passphrase headless; issue 14.2), so an API
 * caller cannot first widen what auto-pay may spend and then spend it.
 */
export function createOwnerConsent(d: OwnerConsentDeps) {
  return async (kind: 'auto-pay' | 'network', purpose: string, warnings: string[] = []): Promise<void> => {
    const address = d.activeAddress();
    if (!address) return;
    await d.approvals.request(signingDraft({ kind, purpose, transfers: [], feeLamports: null, memo: null, warnings }, address, d.networkKind()));
  };
}

export type OwnerConsent = ReturnType<typeof createOwnerConsent>;
