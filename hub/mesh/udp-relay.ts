import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { MeshEndpoint } from '../../common/mesh';

const INITIATION = 1;
const RESPONSE = 2;
/** An initiation older than this is a retry after a loss, not a crossing. */
const CROSSING_WINDOW_MS = 1_000;

/** WireGuard message types 1–4 (initiation, response, cookie, data); the relay forwards nothing else. */
function isWireGuardMessage(message: Buffer): boolean {
  return message.length >= 32 && message[0]! >= 1 && message[0]! <= 4 && message[1] === 0 && message[2] === 0 && message[3] === 0;
}

export interface RelayPair {
  /** Where side A sends to reach B, and B to reach A. */
  portForA: number;
  portForB: number;
  /** Datagrams forwarded, both ways. */
  forwarded(): number;
  close(): void;
}

/**
 * A UDP relay for one pair of nodes that found no direct path (a symmetric NAT on one
 * side). Each side gets its own port on the hub; what arrives on A's port goes to where
 * B's packets came from, and the other way round. The packets are WireGuard, encrypted
 * end to end between the two nodes: the relay sees sizes and timing, never contents,
 * and cannot inject (it holds no key). A side's address is learned from its first
 * packet and may then change only within the same IP (a NAT rebinding); until the other
 * side is known, the last packet waits, so the first handshake is not lost to a
 * five-second WireGuard retry.
 *
 * Both sides switch to the relay at about the same moment, so their handshake
 * initiations cross. WireGuard keeps one handshake state per peer: a side that answers
 * the other's initiation forgets its own, both responses are then refused, and the pair
 * waits five seconds for the next try. So while one side's initiation is unanswered,
 * the relay drops the other side's: one handshake completes at once.
 */
export class UdpRelay {
  private readonly pairs = new Set<RelayPair>();

  constructor(
    private readonly bindHost: string,
    /** Where nodes send (default: the bind address). */
    private readonly advertisedHost: string = bindHost,
  ) {}

  async openPair(): Promise<RelayPair> {
    const [a, b] = await Promise.all([this.bind(), this.bind()]);
    const learned: Array<RemoteInfo | null> = [null, null];
    const waiting: Array<Buffer | null> = [null, null];
    // When each side's last initiation went through, until the other side answered it.
    const unanswered: Array<number | null> = [null, null];
    let forwarded = 0;
    const sockets = [a, b] as const;
    const wire = (side: 0 | 1) => {
      const other = side === 0 ? 1 : 0;
      sockets[side].on('message', (message, rinfo) => {
        if (!isWireGuardMessage(message)) return;
        const known = learned[side];
        if (known && known.address !== rinfo.address) return;
        learned[side] = rinfo;
        const nowMs = Date.now();
        const waitingForThisSide = waiting[other];
        if (waitingForThisSide) {
          waiting[other] = null;
          sockets[side].send(waitingForThisSide, rinfo.port, rinfo.address);
          forwarded += 1;
          if (waitingForThisSide[0] === INITIATION) unanswered[other] = nowMs;
        }
        if (message[0] === RESPONSE) unanswered[other] = null;
        if (message[0] === INITIATION) {
          const otherInitiation = unanswered[other] ?? null;
          if (otherInitiation !== null && nowMs - otherInitiation < CROSSING_WINDOW_MS) return;
        }
        const to = learned[other];
        if (!to) {
          waiting[side] = message;
          return;
        }
        sockets[other].send(message, to.port, to.address);
        forwarded += 1;
        if (message[0] === INITIATION) unanswered[side] = nowMs;
      });
      sockets[side].on('error', () => undefined);
    };
    wire(0);
    wire(1);
    const pair: RelayPair = {
      portForA: a.address().port,
      portForB: b.address().port,
      forwarded: () => forwarded,
      close: () => {
        if (!this.pairs.delete(pair)) return;
        a.close();
        b.close();
      },
    };
    this.pairs.add(pair);
    return pair;
  }

  endpointOf(port: number): MeshEndpoint {
    return { host: this.advertisedHost, port };
  }

  dispose(): void {
    for (const pair of [...this.pairs]) pair.close();
  }

  private bind(): Promise<Socket> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.bindHost, () => {
        socket.off('error', reject);
        resolve(socket);
      });
    });
  }
}
