import { randomUUID } from 'node:crypto';
import { ApiError } from '../../common/api/errors';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { NetworkKind } from '../../common/wallet/network';
import type { SigningOutcome, SigningRequest, SigningResolution } from '../../common/wallet/wallet-types';

/** A signing request as its caller describes it, before it gets an id and its times. */
export type SigningDraft = Omit<SigningRequest, 'id' | 'createdAtMs' | 'expiresAtMs'>;

/**
 * A draft for `wallet`'s signature on `network`: from the app itself, naming no programs
 * and no message, unless the draft says otherwise (a connected page's request does).
 */
export function signingDraft(draft: Omit<SigningDraft, 'walletAddress' | 'network' | 'origin' | 'programs' | 'message'> & Partial<SigningDraft>, walletAddress: string, network: NetworkKind): SigningDraft {
  return { origin: 'app', programs: [], message: null, ...draft, walletAddress, network };
}

export interface SigningApprovalsOptions {
  nowMs?: () => number;
  /** How long a request waits for an answer (default 2 minutes). */
  timeoutMs?: number;
}

interface Pending {
  request: SigningRequest;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Nothing is signed until the user has seen what it is. Main publishes a
 * `wallet:confirm-request` describing the amount, the recipient and the purpose; any open
 * UI shows it and answers with `wallet:confirm`; the signing call waits for that answer
 * (or for the request to expire) and only then proceeds. A UI opened later finds the
 * request through `wallet:pending-confirmations`.
 */
export class SigningApprovals {
  private readonly pendingById = new Map<string, Pending>();
  private readonly nowMs: () => number;
  private readonly timeoutMs: number;
  private readonly requested = new Emitter<SigningRequest>();
  private readonly resolved = new Emitter<SigningResolution>();
  /** A request waits for the user's answer (the UI's `wallet:confirm-request`). */
  readonly onDidRequest: Event<SigningRequest> = this.requested.event;
  /** A request was answered or expired (the UI's `wallet:confirm-resolved`). */
  readonly onDidResolve: Event<SigningResolution> = this.resolved.event;

  constructor(options: SigningApprovalsOptions = {}) {
    this.nowMs = options.nowMs ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  /** Resolves when the user approves; rejects when they decline or do not answer in time. */
  request(draft: SigningDraft): Promise<void> {
    const now = this.nowMs();
    const request: SigningRequest = { ...draft, id: randomUUID(), createdAtMs: now, expiresAtMs: now + this.timeoutMs };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(request.id, 'expired'), this.timeoutMs);
      timer.unref();
      this.pendingById.set(request.id, { request, resolve, reject, timer });
      this.requested.fire(request);
    });
  }

  /** The UI's answer. Unknown or already answered ids are `not_found` (another window answered first). */
  decide(id: string, approved: boolean): SigningOutcome {
    if (!this.pendingById.has(id)) {
      throw new ApiError('not_found', 'This signing request was already answered or has expired. Nothing was signed by this answer.', 'signing_request_not_found');
    }
    const outcome: SigningOutcome = approved ? 'approved' : 'rejected';
    this.finish(id, outcome);
    return outcome;
  }

  pending(): SigningRequest[] {
    return [...this.pendingById.values()].map((p) => p.request);
  }

  /** Declines everything still waiting (the app is stopping). */
  dispose(): void {
    for (const id of [...this.pendingById.keys()]) this.finish(id, 'expired');
  }

  private finish(id: string, outcome: SigningOutcome): void {
    const pending = this.pendingById.get(id);
    if (!pending) return;
    this.pendingById.delete(id);
    clearTimeout(pending.timer);
    this.resolved.fire({ id, outcome });
    if (outcome === 'approved') {
      pending.resolve();
    } else if (outcome === 'rejected') {
      pending.reject(new ApiError('forbidden', `You declined: ${pending.request.purpose}. Nothing was signed.`, 'signing_declined'));
    } else {
      pending.reject(new ApiError('forbidden', `No answer in time for: ${pending.request.purpose}. Nothing was signed; try again.`, 'signing_timed_out'));
    }
  }
}
