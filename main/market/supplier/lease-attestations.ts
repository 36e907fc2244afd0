import { AttestationChannelError } from '../../../common/attestation/attestation-session';
import type { AttestationChallenge, AttestationOpen, NodeAttestationMessage } from '../../../common/attestation/attestation-wire';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import type { SupplierAttestation } from '../../../common/market/lend-types';
import { errorText } from '../../../common/errors';
import type { NodeAttestation } from '../../worker/attestation/node-attestation';

export interface LeaseAttestationsDeps {
  /** Starts this machine's node for a reserved lease (startNodeAttestation with the app's engine and image). */
  start: (lease: WorkerLease) => Promise<NodeAttestation>;
  /** Sends one node message to the hub (relayed to the renter's verifier). */
  send: (leaseId: string, message: NodeAttestationMessage) => void;
  /** An outcome the hub recorded, for the Lend view and a notice. */
  changed: () => void;
  notice: (title: string, body: string) => void;
  nowMs: () => number;
  logError: (message: string, error: unknown) => void;
  /** How long to wait for each of the node's messages before giving up on it (default 15 min, the hold). */
  messageTimeoutMs?: number;
  /** An opening larger than this goes one row a message (the hub's worker messages are at most 64 KiB). */
  maxMessageBytes?: number;
}

/** Leaves room under MAX_WORKER_MESSAGE_BYTES for the envelope. */
const MAX_ATTEST_MESSAGE_BYTES = 60 * 1024;

interface Running {
  node: NodeAttestation | null;
  /** The verifier's messages that arrived while the node was still starting. */
  pending: Array<AttestationChallenge | AttestationOpen>;
  disposed: boolean;
}

/** ready, commit, opening: a node says at most these three (or an error), so the pump is bounded. */
const MAX_NODE_MESSAGES = 3;
const RECENT_OUTCOMES = 50;

/**
 * This machine's side of "verify, then pay" (issue 13): when the hub places a reserved
 * lease here, the node is prepared (the attestation container on exactly the leased GPUs,
 * pulling its image when missing) and its messages are pumped to the hub; the verifier's
 * challenge and rows come back through `toNode`. The outcome the hub records is kept for
 * the Lend view with plain-words advice. The node goes when the outcome is known, the
 * lease is paid or ends.
 */
export class LeaseAttestations {
  private readonly running = new Map<string, Running>();
  private readonly outcomes = new Map<string, SupplierAttestation>();

  constructor(private readonly d: LeaseAttestationsDeps) {}

  /** A reserved lease was admitted here: prepare the node (once per lease). */
  prepare(lease: WorkerLease): void {
    if (lease.state !== 'reserved' || this.running.has(lease.leaseId) || this.outcomes.has(lease.leaseId)) return;
    const run: Running = { node: null, pending: [], disposed: false };
    this.running.set(lease.leaseId, run);
    this.outcomes.set(lease.leaseId, { state: 'preparing', passed: null, reason: null, message: 'Preparing the GPU check (pulling the attestation image, starting its container).', advice: null, atMs: this.d.nowMs() });
    this.d.changed();
    void this.pump(lease, run);
  }

  /** The verifier's challenge or rows to open, relayed by the hub. */
  toNode(leaseId: string, message: AttestationChallenge | AttestationOpen): void {
    const run = this.running.get(leaseId);
    if (!run || run.disposed) return;
    if (message.type === 'challenge') this.setOutcome(leaseId, { state: 'attesting', message: 'The renter\u2019s app is checking the GPUs.' });
    if (run.node) run.node.channel.send(message);
    else run.pending.push(message);
  }

  /** The hub recorded the verifier's outcome. */
  attested(message: { leaseId: string; passed: boolean; reason: string | null; message: string; advice: string | null }): void {
    this.setOutcome(message.leaseId, { state: message.passed ? 'passed' : 'failed', passed: message.passed, reason: message.reason, message: message.message, advice: message.advice });
    if (!message.passed) this.d.notice('GPU check failed', `Lease ${message.leaseId}: ${message.message}${message.advice ? ` ${message.advice}` : ''}`);
    void this.end(message.leaseId);
  }

  /** The outcome of a lease's check as the Lend view shows it (null: no check for it here). */
  outcome(leaseId: string): SupplierAttestation | null {
    return this.outcomes.get(leaseId) ?? null;
  }

  /** The lease was paid or ended: the node goes (its outcome stays for the view). */
  async end(leaseId: string): Promise<void> {
    const run = this.running.get(leaseId);
    if (!run) return;
    this.running.delete(leaseId);
    run.disposed = true;
    await run.node?.dispose().catch((error: unknown) => this.d.logError(`[supplier] removing the attestation of ${leaseId} failed`, error));
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.end(id)));
  }

  private async pump(lease: WorkerLease, run: Running): Promise<void> {
    const leaseId = lease.leaseId;
    try {
      const node = await this.d.start(lease);
      if (run.disposed) {
        await node.dispose();
        return;
      }
      run.node = node;
      for (const message of run.pending.splice(0)) node.channel.send(message);
      for (let i = 0; i < MAX_NODE_MESSAGES && !run.disposed; i++) {
        const message = await node.channel.next(this.d.messageTimeoutMs ?? 15 * 60_000);
        if (run.disposed) return;
        this.sendSplit(leaseId, message);
        if (message.type === 'ready') this.setOutcome(leaseId, { state: 'ready', message: `The GPU check is ready on ${message.gpus.length} GPU(s); waiting for the renter\u2019s challenge.` });
        if (message.type === 'error' || message.type === 'opening') return;
      }
    } catch (error) {
      if (run.disposed) return;
      const reason = error instanceof AttestationChannelError ? error.reason : 'attestation_failed';
      const text = errorText(error).slice(0, 1000);
      this.d.send(leaseId, { type: 'error', reason, message: text });
      this.setOutcome(leaseId, { state: 'failed', passed: false, reason, message: text });
      await this.end(leaseId);
    }
  }

  /**
   * The production opening (32 rows of 8,192 values) is about 2 MB: it goes one row a
   * message, and the renter's channel joins the rows again (lease-verification.ts).
   */
  private sendSplit(leaseId: string, message: NodeAttestationMessage): void {
    const limit = this.d.maxMessageBytes ?? MAX_ATTEST_MESSAGE_BYTES;
    if (message.type !== 'opening' || message.rows.length <= 1 || JSON.stringify(message).length <= limit) {
      this.d.send(leaseId, message);
      return;
    }
    for (const row of message.rows) this.d.send(leaseId, { type: 'opening', rows: [row] });
  }

  private setOutcome(leaseId: string, patch: Partial<SupplierAttestation>): void {
    const current = this.outcomes.get(leaseId);
    if (!current) return;
    this.outcomes.set(leaseId, { ...current, ...patch, atMs: this.d.nowMs() });
    while (this.outcomes.size > RECENT_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value!);
    this.d.changed();
  }
}
