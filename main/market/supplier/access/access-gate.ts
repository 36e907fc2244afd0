import { ACCESS_REQUEST_TTL_MS, accessRequestStaleness, accessRequestText } from '../../../../common/access/access-request';
import type { SignedAccessRequest } from '../../../../common/access/access-request';
import type { AccessCloseCode } from '../../../../common/access/access-protocol';
import { verifyWalletSignature } from '../../../../solana/wallet-signature';
import type { StoredLease } from '../supplier-lease-store';

export interface AccessGateDeps {
  /** This machine's record of a lease (never the hub's word alone). */
  lease(leaseId: string): StoredLease | null;
  /** The hub's time where known (requests are stamped in it), this machine's otherwise. */
  nowMs(): number;
}

export type AccessVerdict = { ok: true; lease: StoredLease } | { ok: false; code: AccessCloseCode; reason: string };

/**
 * The supplier's own check of a stream the hub relays, before anything touches Docker:
 * the request must be signed by the renter this machine's lease record names, for this
 * node, fresh, not seen before, and the lease must be running here. The hub checks the
 * same, but a hub that lies (or is taken over) cannot open a shell in a renter's container.
 */
export class AccessGate {
  /** Nonces used, until their request would be stale anyway. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly d: AccessGateDeps) {}

  check(signed: SignedAccessRequest): AccessVerdict {
    const { request } = signed;
    const nowMs = this.d.nowMs();
    const stored = this.d.lease(request.leaseId);
    if (!stored) return { ok: false, code: 'not_found', reason: `This machine runs no lease ${request.leaseId}.` };
    if (stored.lease.renter !== request.renter) return { ok: false, code: 'forbidden', reason: `Lease ${request.leaseId} is not this renter's.` };
    if (!verifyWalletSignature(request.renter, new TextEncoder().encode(accessRequestText(request)), signed.signature)) {
      return { ok: false, code: 'bad_signature', reason: "The request is not signed by the lease's renter." };
    }
    if (stored.lease.rank !== request.rank) return { ok: false, code: 'not_found', reason: `This machine is node ${stored.lease.rank} of lease ${request.leaseId}, not node ${request.rank}.` };
    const stale = accessRequestStaleness(request, nowMs);
    if (stale) return { ok: false, code: 'forbidden', reason: `Refused: ${stale}.` };
    if (stored.state === 'ended') return { ok: false, code: 'conflict', reason: `Lease ${request.leaseId} has ended on this machine.` };
    if (stored.state !== 'running' || !stored.jobId) return { ok: false, code: 'conflict', reason: `Lease ${request.leaseId} is ${stored.state} on this machine; its container is not running.` };
    for (const [nonce, untilMs] of this.seen) if (untilMs < nowMs) this.seen.delete(nonce);
    if (this.seen.has(request.nonce)) return { ok: false, code: 'forbidden', reason: 'This request was already used (a replay); open the stream again.' };
    this.seen.set(request.nonce, request.issuedAtMs + 2 * ACCESS_REQUEST_TTL_MS);
    return { ok: true, lease: stored };
  }
}
