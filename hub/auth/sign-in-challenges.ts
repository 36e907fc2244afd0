import { HubError } from '../../common/hub/hub-errors';
import { signInMessageText } from '../../common/hub/sign-in-message';
import type { ChallengeResponse, SessionRequest, SignInChallenge } from '../../common/hub/sign-in-message';
import type { HubClock, RandomBytes } from '../support/hub-clock';
import { verifyWalletSignature } from './ed25519-signature';

export interface SignInChallengesDeps {
  /** Named in the signed text, so a signature for one hub is worthless at another. */
  domain: string;
  clock: HubClock;
  random: RandomBytes;
  ttlMs?: number;
  /** Outstanding challenges kept at most; the oldest are dropped first. */
  maxPending?: number;
}

/**
 * Issues sign-in challenges and redeems signed ones, each at most once. Pending challenges
 * live in memory only: a hub restart forgets them, and the wallet simply asks for a new
 * one. Redeemed nonces are remembered until their expiry so a replay is told apart from a
 * nonce the hub never issued.
 */
export class SignInChallenges {
  private readonly pending = new Map<string, SignInChallenge>();
  private readonly redeemed = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxPending: number;

  constructor(private readonly options: SignInChallengesDeps) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxPending = options.maxPending ?? 100_000;
  }

  issue(address: string): ChallengeResponse {
    const nowMs = this.options.clock.nowMs();
    this.sweep(nowMs);
    const nonce = Buffer.from(this.options.random(18)).toString('base64url');
    const challenge: SignInChallenge = {
      domain: this.options.domain,
      address,
      nonce,
      issuedAtMs: nowMs,
      expiresAtMs: nowMs + this.ttlMs,
    };
    if (this.pending.size >= this.maxPending) {
      const oldest = this.pending.keys().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
    this.pending.set(nonce, challenge);
    return { challenge, message: signInMessageText(challenge) };
  }

  /** Returns the signed-in address, or throws a HubError saying why not. */
  redeem(request: SessionRequest): string {
    const nowMs = this.options.clock.nowMs();
    if (this.redeemed.has(request.nonce)) {
      throw new HubError('challenge_replayed', 'This sign-in challenge was already used. Ask the hub for a new challenge and sign that.', 'challenge_replayed');
    }
    const challenge = this.pending.get(request.nonce);
    if (!challenge || challenge.address !== request.address) {
      throw new HubError('unknown_challenge', 'This hub did not issue that challenge to this address (or has restarted since). Ask for a new challenge.', 'unknown_challenge');
    }
    if (nowMs >= challenge.expiresAtMs) {
      this.pending.delete(request.nonce);
      throw new HubError('challenge_expired', 'The sign-in challenge expired before it was signed. Ask for a new challenge and sign it within 5 minutes.', 'challenge_expired');
    }
    const message = new TextEncoder().encode(signInMessageText(challenge));
    if (!verifyWalletSignature(request.address, message, request.signature)) {
      // A bad signature does not burn the challenge: the real owner may still sign it.
      throw new HubError('bad_signature', 'The signature does not match this address and challenge. Sign the exact challenge text with the wallet of this address.', 'bad_signature');
    }
    this.pending.delete(request.nonce);
    this.redeemed.set(request.nonce, challenge.expiresAtMs);
    return request.address;
  }

  private sweep(nowMs: number): void {
    for (const [nonce, c] of this.pending) {
      if (c.expiresAtMs > nowMs) break; // insertion order is issue order; ttl is fixed
      this.pending.delete(nonce);
    }
    for (const [nonce, expiresAtMs] of this.redeemed) {
      if (expiresAtMs > nowMs) break;
      this.redeemed.delete(nonce);
    }
  }
}
