import { z } from 'zod';
import { solanaAddressSchema, transactionSignatureSchema } from './solana-strings';

/**
 * Sign-in by wallet: the hub hands out a challenge, the wallet signs its text (Wallet
 * Standard `solana:signMessage` signs these exact UTF-8 bytes), the hub checks the
 * signature against the address and gives a session token. The text follows Sign-In With
 * Solana's layout so a wallet shows the person what they are signing, and it names the
 * domain, so a challenge from one hub cannot be replayed at another.
 */
export interface SignInChallenge {
  domain: string;
  address: string;
  nonce: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

export function signInMessageText(c: SignInChallenge): string {
  return [
    `${c.domain} wants you to sign in to the Idlegrid hub with your Solana account:`,
    c.address,
    '',
    `Domain: ${c.domain}`,
    `Nonce: ${c.nonce}`,
    `Issued At: ${new Date(c.issuedAtMs).toISOString()}`,
    `Expiration Time: ${new Date(c.expiresAtMs).toISOString()}`,
  ].join('\n');
}

export const challengeRequestSchema = z.object({ address: solanaAddressSchema });
export type ChallengeRequest = z.infer<typeof challengeRequestSchema>;

export interface ChallengeResponse {
  challenge: SignInChallenge;
  /** The exact text to sign. */
  message: string;
}

export const sessionRequestSchema = z.object({
  address: solanaAddressSchema,
  nonce: z.string().min(16).max(64),
  /** The ed25519 signature of the message text, base58 (as Solana wallets return it). */
  signature: transactionSignatureSchema,
});
export type SessionRequest = z.infer<typeof sessionRequestSchema>;

export interface SessionResponse {
  token: string;
  address: string;
  expiresAtMs: number;
}
