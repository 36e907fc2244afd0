import { z } from 'zod';
import { solanaAddressSchema, transactionSignatureSchema } from './solana-strings';

/**
 * Sign-in by wallet: the hub hands out a challenge, the wallet signs its text (Wallet
 * Standard `solana:signMessage` signs these exact UTF-8 bytes), the hub checks the
 * signature against the address and gives a session token. The text follows Sign-In With
 * Solana's layout so a wallet shows the person what they are signing, and it names the
 * domain, so a challenge from one hub cannot be replayed at another.
 */
/**
 * What a session may do: `renter` (search, quote, pay, follow and end leases) or `worker`
 * (a supplier machine's socket). A leaked worker session cannot act as the renter.
 */
export const SESSION_AUDIENCES = ['renter', 'worker'] as const;
export type SessionAudience = (typeof SESSION_AUDIENCES)[number];

export interface SignInChallenge {
  /** The hub's public origin (https://hub.example.org): the app refuses a challenge naming any other. */
  domain: string;
  audience: SessionAudience;
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
    `Audience: ${c.audience}`,
    `Nonce: ${c.nonce}`,
    `Issued At: ${new Date(c.issuedAtMs).toISOString()}`,
    `Expiration Time: ${new Date(c.expiresAtMs).toISOString()}`,
  ].join('\n');
}

export const challengeRequestSchema = z.object({ address: solanaAddressSchema, audience: z.enum(SESSION_AUDIENCES).default('renter') });
export type ChallengeRequest = z.input<typeof challengeRequestSchema>;

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
  audience: SessionAudience;
  expiresAtMs: number;
}
