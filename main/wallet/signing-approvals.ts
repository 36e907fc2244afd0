import { randomUUID } from 'node:crypto';
import { ApiError } from '../../common/api/errors';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { NetworkKind } from '../../common/wallet/network';
import type { SigningOutcome, SigningRequest, SigningResolution } from '../../common/wallet/wallet-types';
import type { OwnerProof } from './confirmation-prompt';

/** A signing request as its caller describes it, before it gets an id and its times. */
export type SigningDraft = Omit<SigningRequest, 'id' | 'createdAtMs' | 'expiresAtMs' | 'approval'>;

/**
 * A draft for `wallet`'s signature on `network`: from the app itself, naming no programs
 * and no message, unless the draft says otherwise (a connected page's request does).
 */
export function signingDraft(draft: Omit<SigningDraft, 'walletAddress' | 'network' | 'origin' | 'programs' | 'message'> & Partial<SigningDraft>, walletAddress: string, network: NetworkKind): SigningDraft {
  return { origin: 'app', programs: [], message: null, ...draft, walletAddress, network };
}

export interface SigningApprovalsOptions {
  /** How an approval is proven to be the owner's; without one nothing can be approved. */
  ownerProof?: OwnerProof;
  nowMs?: () => number;
  /** How long a request waits for an answer (default 2 minutes). */
  timeoutMs?: number;
}

interface Pending {
  request: SigningRequest;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  /** Closes the desktop prompt when the request is answered or expires. */
  abort: AbortController;
}

/**
 * Nothing is signed until the owner has seen what it is. Main publishes a
 * `wallet:confirm-request` describing the amount, the recipient and the purpose; the
 * signing call waits for the answer (or for the request to expire) and only then proceeds.
 * An approval must prove it is the owner's, not merely an API caller's (issue 14.2): on the
 * desktop only the main process's own prompt approves; headless, `wallet:confirm` approves
 * only with the wallet passphrase. Declining needs no proof. A UI opened later finds the
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
    this.ownerProof = options.ownerProof ?? null;
  }

  private readonly ownerProof: OwnerProof | null;

  /** 'prompt' on the desktop (the UI only says a dialog is open), 'passphrase' headless. */
  get proofKind(): OwnerProof['kind'] | null {
    return this.ownerProof?.kind ?? null;
  }

  /** Resolves when the user approves; rejects when they decline or do not answer in time. */
  request(draft: SigningDraft): Promise<void> {
    const now = this.nowMs();
    const approval = this.ownerProof?.kind === 'prompt' ? 'dialog' : 'passphrase';
    const request: SigningRequest = { ...draft, approval, id: randomUUID(), createdAtMs: now, expiresAtMs: now + this.timeoutMs };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(request.id, 'expired'), this.timeoutMs);
      timer.unref();
      const abort = new AbortController();
      this.pendingById.set(request.id, { request, resolve, reject, timer, abort });
      this.requested.fire(request);
      if (this.ownerProof?.kind === 'prompt') {
        this.ownerProof.prompt.ask(request, abort.signal).then(
          (approved) => this.finish(request.id, approved ? 'approved' : 'rejected'),
          () => this.finish(request.id, 'rejected'),
        );
      }
    });
  }

  /**
   * An answer through the API. Declining is always allowed; approving needs the owner's
   * proof (the passphrase headless; never on the desktop, where the dialog approves).
   * Unknown or already answered ids are `not_found` (another window answered first).
   */
  async decide(id: string, approved: boolean, passphrase?: string): Promise<SigningOutcome> {
    this.requirePending(id);
    if (approved) {
      const proof = this.ownerProof;
      if (!proof) throw new ApiError('forbidden', 'Approvals are not possible here. Nothing was signed.', 'approval_unavailable');
      if (proof.kind === 'prompt') {
        throw new ApiError('forbidden', 'Approve in the Idlegrid confirmation dialog: the window cannot approve for you. Nothing was signed by this answer.', 'confirm_in_dialog');
      }
      if (passphrase === undefined || passphrase === '') {
        throw new ApiError('forbidden', 'Enter the wallet passphrase to approve. Nothing was signed by this answer.', 'passphrase_required');
      }
      if (!(await proof.verify(passphrase))) throw new ApiError('forbidden', 'Wrong passphrase. Nothing was signed; the request still waits.', 'passphrase_wrong');
      this.requirePending(id);
    }
    const outcome: SigningOutcome = approved ? 'approved' : 'rejected';
    this.finish(id, outcome);
    return outcome;
  }

  private requirePending(id: string): void {
    if (!this.pendingById.has(id)) {
      throw new ApiError('not_found', 'This signing request was already answered or has expired. Nothing was signed by this answer.', 'signing_request_not_found');
    }
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
    pending.abort.abort();
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
