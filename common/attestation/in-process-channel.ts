import { InProcessProver } from './attestation-prover';
import { AttestationInbox } from './attestation-inbox';
import type { AttestationChannel } from './attestation-session';
import { attestationChallengeSchema, attestationOpenSchema } from './attestation-wire';
import type { AttestationChallenge, NodeAttestationMessage } from './attestation-wire';
import type { Sha256 } from './merkle';

/**
 * A node that answers the attestation in this process (InProcessProver) instead of a
 * container: the Sandbox's stand-in for a supplier with Docker but without the attestation
 * image, so a newcomer can lend and rent on fake money at once. Its ready message says
 * `prover: 'in-process'`; the verifier labels the outcome as not a proof and refuses it on
 * real grids. The product is computed in slices with a pause between them so the app keeps
 * serving its UI.
 */
export class InProcessAttestationChannel implements AttestationChannel {
  private readonly inbox = new AttestationInbox();
  private prover: InProcessProver | null = null;
  private disposed = false;

  constructor(
    private readonly deps: { sha256: Sha256; nowMs: () => number; pause: () => Promise<void> },
    private readonly gpuUuids: readonly string[],
    /** Tests play a dishonest node with a prover that computes something else (default: the honest one). */
    private readonly makeProver: (sha256: Sha256, challenge: AttestationChallenge, gpuCount: number) => InProcessProver = (sha, c, g) => new InProcessProver(sha, c, g),
  ) {
    this.deliver({ type: 'ready', device: 'cpu', gpus: gpuUuids.map((uuid) => ({ uuid, model: null, memoryMiB: null })), torch: 'none (in-process)', prover: 'in-process' });
  }

  send(message: object): void {
    const challenge = attestationChallengeSchema.safeParse(message);
    if (challenge.success) {
      const startedAtMs = this.deps.nowMs();
      this.prover = this.makeProver(this.deps.sha256, challenge.data, Math.max(1, this.gpuUuids.length));
      void this.prover
        .commitInSlices(startedAtMs, this.deps.nowMs, () => (this.disposed ? Promise.reject(new Error('disposed')) : this.deps.pause()))
        .then((commit) => this.deliver(commit))
        .catch(() => undefined);
      return;
    }
    const open = attestationOpenSchema.safeParse(message);
    if (open.success && this.prover) {
      this.deliver(this.prover.open(open.data));
      return;
    }
    this.deliver({ type: 'error', reason: 'attestation_malformed', message: 'an attestation message out of order' });
  }

  next(timeoutMs: number): Promise<NodeAttestationMessage> {
    return this.inbox.next(timeoutMs);
  }

  dispose(): void {
    this.disposed = true;
  }

  private deliver(message: NodeAttestationMessage): void {
    this.inbox.deliver(message);
  }
}
