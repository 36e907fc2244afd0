import { AttestationChannelError } from './attestation-session';
import type { NodeAttestationMessage } from './attestation-wire';

/**
 * The node's messages as a channel hands them to the verifier: kept in order until asked
 * for, and a wait for the next one that gives up (attestation_no_answer) after a timeout.
 * Both channels (a relayed node, an in-process node) take their messages in here.
 */
export class AttestationInbox {
  private readonly queue: NodeAttestationMessage[] = [];
  private waiter: ((m: NodeAttestationMessage) => void) | null = null;

  /** `first`: ahead of what is queued (a ready message learnt late must still come first). */
  deliver(message: NodeAttestationMessage, first = false): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter(message);
    } else if (first) {
      this.queue.unshift(message);
    } else {
      this.queue.push(message);
    }
  }

  next(timeoutMs: number): Promise<NodeAttestationMessage> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new AttestationChannelError('attestation_no_answer', `The node did not answer within ${(timeoutMs / 1000).toFixed(1)} s.`));
      }, timeoutMs);
      this.waiter = (m) => {
        clearTimeout(timer);
        resolve(m);
      };
    });
  }

  /** Nobody waits any more (the channel is disposed). */
  close(): void {
    this.waiter = null;
  }
}
