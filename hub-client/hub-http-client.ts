import { getBase58Decoder } from '@solana/kit';
import { HubError, isHubErrorShape } from '../common/hub/hub-errors';
import { HUB_HTTP, leasePath } from '../common/hub/http-api';
import type { ExplorerPayment, ExplorerSeries, ExplorerStats, HubInfo, PaymentReceipt, PaymentSubmission, RenterReputation, WorkerReputation } from '../common/hub/http-api';
import type { ClusterRequestInput, DisputeResult, LeaseEvidenceFile, LeaseIncrement, LeaseView, Quote } from '../common/hub/lease-types';
import type { OfferSearchPage, OfferSearchParams } from '../common/hub/market-types';
import { signInMessageText } from '../common/hub/sign-in-message';
import type { ChallengeResponse, SessionAudience, SessionResponse, SignInChallenge } from '../common/hub/sign-in-message';
import { errorText } from '../common/errors';

/** Signs the exact bytes given with the wallet's ed25519 key (Wallet Standard `solana:signMessage`). */
export type MessageSigner = (message: Uint8Array) => Promise<Uint8Array>;

export interface HubHttpClientOptions {
  /** e.g. http://127.0.0.1:7070 */
  baseUrl: string;
  /**
   * Other instances of the same hub. A call that cannot reach the current instance goes to
   * the next, and later calls stay there: a GET after any network failure, a POST only when
   * the connection was refused (it certainly never arrived, so it cannot happen twice).
   */
  otherBaseUrls?: readonly string[];
  fetch?: typeof fetch;
  /** The session token, if already signed in. */
  token?: string;
}

const base58 = getBase58Decoder();

/**
 * The hub's HTTP API as typed calls, for the renter's app (main/market), the explorer and
 * tests. Pure TypeScript over `fetch`: no Node modules. Failures throw HubError with the
 * hub's code and message.
 */
export class HubHttpClient {
  private readonly fetch: typeof fetch;
  private readonly baseUrls: string[];
  private current = 0;
  token: string | null;

  constructor(options: HubHttpClientOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.baseUrls = [options.baseUrl, ...(options.otherBaseUrls ?? [])].map((u) => u.replace(/\/$/, ''));
    this.token = options.token ?? null;
  }

  /** The instance calls go to now. */
  get baseUrl(): string {
    return this.baseUrls[this.current]!;
  }

  info(): Promise<HubInfo> {
    return this.call('GET', HUB_HTTP.info);
  }

  /** The origin this client talks to: the only domain it signs in to. */
  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  /**
   * Sign-in: asks for a challenge, checks it names this address, the audience asked for
   * and this hub's origin (a hub relaying another hub's challenge would otherwise get a
   * session there), signs it and exchanges the signature for a session token, which
   * later calls send.
   */
  async signIn(address: string, sign: MessageSigner, audience: SessionAudience = 'renter'): Promise<SessionResponse> {
    const { challenge, message } = await this.requestChallenge(address, audience);
    checkChallenge(challenge, message, { address, audience, origin: this.origin });
    const signature = base58.decode(await sign(new TextEncoder().encode(message)));
    const session = await this.createSession({ address, nonce: challenge.nonce, signature });
    this.token = session.token;
    return session;
  }

  requestChallenge(address: string, audience: SessionAudience = 'renter'): Promise<ChallengeResponse> {
    return this.call('POST', HUB_HTTP.challenge, { address, audience });
  }

  /** Revokes this client's session at the hub (sign-out) and forgets the token. */
  async signOut(): Promise<void> {
    if (!this.token) return;
    await this.call('POST', HUB_HTTP.signOut, {});
    this.token = null;
  }

  createSession(body: { address: string; nonce: string; signature: string }): Promise<SessionResponse> {
    return this.call('POST', HUB_HTTP.session, body);
  }

  searchOffers(query: OfferSearchParams = {}): Promise<OfferSearchPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const qs = params.toString();
    return this.call('GET', `${HUB_HTTP.offers}${qs ? `?${qs}` : ''}`);
  }

  quote(request: ClusterRequestInput): Promise<Quote> {
    return this.call('POST', HUB_HTTP.quotes, request);
  }

  lease(leaseId: string): Promise<LeaseView> {
    return this.call('GET', leasePath(leaseId));
  }

  async leases(): Promise<LeaseView[]> {
    return (await this.call<{ leases: LeaseView[] }>('GET', HUB_HTTP.leases)).leases;
  }

  submitPayment(leaseId: string, payment: PaymentSubmission): Promise<PaymentReceipt> {
    return this.call('POST', leasePath(leaseId, 'payments'), payment);
  }

  async extend(leaseId: string, increments: number): Promise<LeaseIncrement[]> {
    return (await this.call<{ increments: LeaseIncrement[] }>('POST', leasePath(leaseId, 'extend'), { increments })).increments;
  }

  terminate(leaseId: string): Promise<LeaseView> {
    return this.call('POST', leasePath(leaseId, 'terminate'), {});
  }

  /** Everything the hub kept about one of this renter's leases (the dispute file). */
  evidence(leaseId: string): Promise<LeaseEvidenceFile> {
    return this.call('GET', leasePath(leaseId, 'evidence'));
  }

  /** Opens a dispute; the hub settles the common cases by rule from the evidence. */
  dispute(leaseId: string, complaint: string): Promise<DisputeResult> {
    return this.call('POST', leasePath(leaseId, 'dispute'), { complaint });
  }

  explorerStats(): Promise<ExplorerStats> {
    return this.call('GET', HUB_HTTP.explorerStats);
  }

  /** The hub's own series (fine recent points, coarse older ones), oldest first. */
  explorerSeries(sinceMs = 0): Promise<ExplorerSeries> {
    return this.call('GET', `${HUB_HTTP.explorerSeries}?sinceMs=${sinceMs}`);
  }

  async explorerPayments(limit = 20): Promise<ExplorerPayment[]> {
    return (await this.call<{ payments: ExplorerPayment[] }>('GET', `${HUB_HTTP.explorerPayments}?limit=${limit}`)).payments;
  }

  workerReputation(workerId: string): Promise<WorkerReputation> {
    return this.call('GET', `${HUB_HTTP.workerReputation}/${encodeURIComponent(workerId)}`);
  }

  renterReputation(address: string): Promise<RenterReputation> {
    return this.call('GET', `${HUB_HTTP.renterReputation}/${encodeURIComponent(address)}`);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let response: Response | null = null;
    for (let tried = 0; response === null; tried += 1) {
      try {
        response = await this.fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      } catch (error) {
        const refused = (error as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED';
        if (tried + 1 < this.baseUrls.length && (method === 'GET' || refused)) {
          this.current = (this.current + 1) % this.baseUrls.length;
          continue;
        }
        const unreachable = new HubError('unavailable', `The hub at ${this.baseUrl} cannot be reached (${errorText(error)}). Check the hub address and that it is running.`, 'hub_unreachable');
        // Kept for callers that explain TLS failures (an untrusted or unpinned certificate).
        (unreachable as { cause?: unknown }).cause = error;
        throw unreachable;
      }
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new HubError('internal', `The hub answered ${response.status} with something that is not JSON.`, 'reply_not_json');
    }
    if (!response.ok) {
      const error = (json as { error?: unknown } | null)?.error;
      if (isHubErrorShape(error)) throw new HubError(error.code, error.message, error.reason);
      throw new HubError('internal', `The hub answered ${response.status} without an error description.`, 'reply_without_error');
    }
    return json as T;
  }
}

/**
 * Refuses to sign a challenge that is not exactly what this client asked for: its
 * address, its audience, and the origin of the hub it is talking to, in the text that
 * gets signed (not just the JSON beside it).
 */
export function checkChallenge(challenge: SignInChallenge, message: string, expected: { address: string; audience: SessionAudience; origin: string }): void {
  if (challenge.address !== expected.address) throw new HubError('forbidden', 'The hub sent a challenge for another address; not signing it.', 'challenge_wrong_address');
  if (challenge.domain !== expected.origin) {
    throw new HubError(
      'forbidden',
      `The hub at ${expected.origin} sent a sign-in challenge for ${challenge.domain}. Signing it would sign you in there, so Idlegrid refused. Use the hub's own address (its public origin), or stop using this hub.`,
      'challenge_wrong_domain',
    );
  }
  if (challenge.audience !== expected.audience) throw new HubError('forbidden', `The hub sent a ${String(challenge.audience)} challenge where a ${expected.audience} one was asked for; not signing it.`, 'challenge_wrong_audience');
  if (message !== signInMessageText(challenge)) throw new HubError('forbidden', 'The challenge text does not match its fields; not signing it.', 'challenge_text_mismatch');
}
