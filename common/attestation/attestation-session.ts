import type { AttestationOutcome } from './attestation-outcome';
import { ATTESTATION_REASONS } from './attestation-outcome';
import type { AttestationReason } from './attestation-outcome';
import type { AttestationVerifier } from './attestation-verifier';
import type { NodeAttestationMessage } from './attestation-wire';

/**
 * The verifier's dialogue with one node, over whatever carries it: the container's stdin
 * and stdout on the same machine (tests, benchmarks), or the hub's relay between the
 * renter's app and the supplier's.
 */
export interface AttestationChannel {
  send(message: object): void;
  /** The node's next message; rejects with an AttestationChannelError when none comes in time or the node is gone. */
  next(timeoutMs: number): Promise<NodeAttestationMessage>;
}

/** The node will not answer any more, and why. */
export class AttestationChannelError extends Error {
  constructor(
    readonly reason: AttestationReason,
    message: string,
  ) {
    super(message);
    this.name = 'AttestationChannelError';
  }
}

export interface AttestationTimeouts {
  /** For the node to be ready (its container up, torch imported): before the challenge, not timed by the deadline. */
  readyMs: number;
  /** For the opening once the rows were asked for (sending k rows back). */
  openingMs: number;
}

export const DEFAULT_ATTESTATION_TIMEOUTS: AttestationTimeouts = { readyMs: 180_000, openingMs: 30_000 };

/**
 * Runs one attestation to its outcome: ready (the GPUs it sees) → fresh challenge → commit
 * (timed against the deadline; waiting stops shortly after it) → rows to open → opening →
 * checked. Never throws: every way a node can fail ends in an outcome with a reason.
 */
export async function attestNode(
  channel: AttestationChannel,
  verifier: AttestationVerifier,
  nowMs: () => number,
  deadlineMs: number,
  timeouts: AttestationTimeouts = DEFAULT_ATTESTATION_TIMEOUTS,
): Promise<AttestationOutcome> {
  try {
    const ready = await expect(channel, 'ready', timeouts.readyMs);
    const mismatch = verifier.checkReady(ready);
    if (mismatch) return mismatch;
    const sentAtMs = nowMs();
    channel.send(verifier.challenge());
    let commit;
    try {
      // Waiting past the deadline gains nothing: a late commitment fails anyway.
      commit = await expect(channel, 'commit', deadlineMs + 1_000);
    } catch (error) {
      if (error instanceof AttestationChannelError && error.reason === 'attestation_no_answer') {
        return verifier.fail('attestation_late', `The node did not commit within ${(deadlineMs / 1000).toFixed(1)} s.`);
      }
      throw error;
    }
    const step = verifier.onCommit(commit, nowMs() - sentAtMs);
    if ('outcome' in step) return step.outcome;
    channel.send(step.open);
    const opening = await expect(channel, 'opening', timeouts.openingMs);
    return verifier.onOpening(opening);
  } catch (error) {
    if (error instanceof AttestationChannelError) return verifier.fail(error.reason, error.message);
    return verifier.fail('attestation_failed', error instanceof Error ? error.message : String(error));
  }
}

async function expect<T extends NodeAttestationMessage['type']>(channel: AttestationChannel, type: T, timeoutMs: number): Promise<Extract<NodeAttestationMessage, { type: T }>> {
  const message = await channel.next(timeoutMs);
  if (message.type === 'error') {
    const reason = (ATTESTATION_REASONS as readonly string[]).includes(message.reason) ? (message.reason as AttestationReason) : 'attestation_failed';
    throw new AttestationChannelError(reason, `The node reported: ${message.message}`);
  }
  if (message.type !== type) throw new AttestationChannelError('attestation_malformed', `The node sent ${message.type} where ${type} was due.`);
  return message as Extract<NodeAttestationMessage, { type: T }>;
}
