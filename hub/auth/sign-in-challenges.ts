import { HubError } from '../../common/hub/hub-errors';
import { signInMessageText } from '../../common/hub/sign-in-message';
import type { ChallengeResponse, SessionAudience, SessionRequest, SignInChallenge } from '../../common/hub/sign-in-message';
import type { HubClock, RandomBytes } from '../support/hub-clock';
import { verifyWalletSignature } from './ed25519-signature';

export interface SignInChallengesDeps {
  /** The hub's public origin, named in the signed text, so a signature for one hub is worthless at another. */
  domain: string;
  clock: HubClock;
  random: RandomBytes;
  ttlMs?: number;
  /**
   * Outstanding challenges kept at most. When the table is full new ones are refused:
   * dropping the oldest would let anyone with enough addresses flush other people's
   * sign-ins while they sign.
   */
  maxPending?: number;
  /** Outstanding challenges one requester (a remote address, an IPv6 /64) may hold. */
  maxPendingPerRequester?: number;
}

/**
 * Issues sign-in challenges and redeems signed ones, each at most once. Pending challenges
 * live in memory only: a hub restart forgets them, and the wallet simply asks for a new
 * one. Redeemed nonces are remembered until their expiry so a replay is told apart from a
 * nonce the hub never issued.
 */
export class SignInChallenges {
  private readonly pending = new Map<string, { challenge: SignInChallenge; requester: string }>();
  private readonly pendingByRequester = new Map<string, number>();
  private readonly redeemed = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxPending: number;
  private readonly maxPerRequester: number;

  constructor(private readonly options: SignInChallengesDeps) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxPending = options.maxPending ?? 100_000;
    this.maxPerRequester = options.maxPendingPerRequester ?? 64;
  }

  /** A challenge for `address` and `audience`, asked for by `requester` (the remote address key). */
  issue(address: string, audience: SessionAudience, requester = 'local'): ChallengeResponse {
    const nowMs = this.options.clock.nowMs();
    this.sweep(nowMs);
    const held = this.pendingByRequester.get(requester) ?? 0;
    if (held >= this.maxPerRequester) {
      throw new HubError('rate_limited', `Your address already has ${held} sign-in challenges waiting; sign one of them, or wait a few minutes for them to expire.`, 'too_many_challenges');
    }
    if (this.pending.size >= this.maxPending) {
      throw new HubError('rate_limited', 'The hub has too many sign-ins under way right now; try again in a minute.', 'hub_busy');
    }
    const nonce = Buffer.from(this.options.random(18)).toString('base64url');
    const challenge: SignInChallenge = {
      domain: this.options.domain,
      audience,
      address,
      nonce,
      issuedAtMs: nowMs,
      expiresAtMs: nowMs + this.ttlMs,
    };
    this.pending.set(nonce, { challenge, requester });
    this.pendingByRequester.set(requester, held + 1);
    return { challenge, message: signInMessageText(challenge) };
  }

  /** Returns who signed in and for what, or throws a HubError saying why not. */
  redeem(request: SessionRequest): { address: string; audience: SessionAudience } {
    const nowMs = this.options.clock.nowMs();
    if (this.redeemed.has(request.nonce)) {
      throw new HubError('challenge_replayed', 'This sign-in challenge was already used. Ask the hub for a new challenge and sign that.', 'challenge_replayed');
    }
    const challenge = this.pending.get(request.nonce)?.challenge;
    if (!challenge || challenge.address !== request.address) {
      throw new HubError('unknown_challenge', 'This hub did not issue that challenge to this address (or has restarted since). Ask for a new challenge.', 'unknown_challenge');
    }
    if (nowMs >= challenge.expiresAtMs) {
      this.forget(request.nonce);
      throw new HubError('challenge_expired', 'The sign-in challenge expired before it was signed. Ask for a new challenge and sign it within 5 minutes.', 'challenge_expired');
    }
    const message = new TextEncoder().encode(signInMessageText(challenge));
    if (!verifyWalletSignature(request.address, message, request.signature)) {
      // A bad signature does not burn the challenge: the real owner may still sign it.
      throw new HubError('bad_signature', 'The signature does not match this address and challenge. Sign the exact challenge text with the wallet of this address.', 'bad_signature');
    }
    this.forget(request.nonce);
    this.redeemed.set(request.nonce, challenge.expiresAtMs);
    return { address: request.address, audience: challenge.audience };
  }

  private forget(nonce: string): void {
    const entry = this.pending.get(nonce);
    if (!entry) return;
    this.pending.delete(nonce);
    const left = (this.pendingByRequester.get(entry.requester) ?? 1) - 1;
    if (left <= 0) this.pendingByRequester.delete(entry.requester);
    else this.pendingByRequester.set(entry.requester, left);
  }

  private sweep(nowMs: number): void {
    for (const [nonce, { challenge }] of this.pending) {
      if (challenge.expiresAtMs > nowMs) break; // insertion order is issue order; ttl is fixed
      this.forget(nonce);
    }
    for (const [nonce, expiresAtMs] of this.redeemed) {
      if (expiresAtMs > nowMs) break;
      this.redeemed.delete(nonce);
    }
  }
}
