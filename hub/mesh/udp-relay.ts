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
  /** Datagrams dropped for going over a rate limit or coming from an address not of the pair. */
  dropped(): number;
  close(): void;
}

/** How much the relay carries, so one node (or a pair) cannot take the hub's bandwidth. */
export interface RelayLimits {
  /** Per direction of one pair: bytes per second, and the burst. */
  pairBytesPerSec: number;
  pairBurstBytes: number;
  /** Per source address over all its pairs (many leases from one machine or one NAT): bytes per second, and the burst. */
  addressBytesPerSec: number;
  addressBurstBytes: number;
  /** Addresses tracked at once; past it, idle ones are forgotten first, then the oldest. */
  maxTrackedAddresses: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  // 100 Mbit/s per direction of a pair, 200 Mbit/s per address: a relayed pair is a
  // fallback (a symmetric NAT), not a path to carry a whole cluster's traffic.
  pairBytesPerSec: 12_500_000,
  pairBurstBytes: 2_000_000,
  addressBytesPerSec: 25_000_000,
  addressBurstBytes: 4_000_000,
  maxTrackedAddresses: 10_000,
};

/** A token bucket in bytes. */
class ByteBucket {
  private tokens: number;
  private atMs: number;
  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.atMs = nowMs;
  }
  take(bytes: number, nowMs: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.atMs) * this.ratePerSec) / 1000);
    this.atMs = nowMs;
    if (this.tokens < bytes) return false;
    this.tokens -= bytes;
    return true;
  }
  full(nowMs: number): boolean {
    return this.tokens + ((nowMs - this.atMs) * this.ratePerSec) / 1000 >= this.burst;
  }
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
  private readonly addressBuckets = new Map<string, ByteBucket>();
  private readonly limits: RelayLimits;

  constructor(
    private readonly bindHost: string,
    /** Where nodes send (default: the bind address). */
    private readonly advertisedHost: string = bindHost,
    limits: Partial<RelayLimits> = {},
    private readonly nowMs: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...limits };
  }

  /**
   * Opens a pair's two ports. `hosts` are the two sides' public addresses as the hub
   * observed them: a side's packets are taken only from its own address, so a stranger
   * who learns a relay port cannot take a side's place by sending first.
   */
  async openPair(hosts: [string | null, string | null] = [null, null]): Promise<RelayPair> {
    const [a, b] = await Promise.all([this.bind(), this.bind()]);
    const learned: Array<RemoteInfo | null> = [null, null];
    const waiting: Array<Buffer | null> = [null, null];
    // When each side's last initiation went through, until the other side answered it.
    const unanswered: Array<number | null> = [null, null];
    let forwarded = 0;
    let dropped = 0;
    const sockets = [a, b] as const;
    const startMs = this.nowMs();
    const directions = [new ByteBucket(this.limits.pairBytesPerSec, this.limits.pairBurstBytes, startMs), new ByteBucket(this.limits.pairBytesPerSec, this.limits.pairBurstBytes, startMs)];
    const wire = (side: 0 | 1) => {
      const other = side === 0 ? 1 : 0;
      sockets[side].on('message', (message, rinfo) => {
        if (!isWireGuardMessage(message)) return;
        const expected = hosts[side] ?? null;
        const known = learned[side];
        if ((expected !== null && rinfo.address !== expected) || (known && known.address !== rinfo.address)) {
          dropped += 1;
          return;
        }
        const nowMs = this.nowMs();
        // Over its pair's or its address's budget: dropped here, as a congested link would
        // (WireGuard and TCP inside it back off).
        if (!directions[side]!.take(message.length, nowMs) || !this.addressBucket(rinfo.address, nowMs).take(message.length, nowMs)) {
          dropped += 1;
          return;
        }
        learned[side] = rinfo;
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
      dropped: () => dropped,
      close: () => {
        if (!this.pairs.delete(pair)) return;
        a.close();
        b.close();
      },
    };
    this.pairs.add(pair);
    return pair;
  }

  /** The shared budget of one source address; the map stays bounded (idle buckets go first). */
  private addressBucket(address: string, nowMs: number): ByteBucket {
    let bucket = this.addressBuckets.get(address);
    if (bucket) return bucket;
    if (this.addressBuckets.size >= this.limits.maxTrackedAddresses) {
      for (const [key, b] of this.addressBuckets) if (b.full(nowMs)) this.addressBuckets.delete(key);
      // All busy: forget the oldest (its next packet starts a fresh, full bucket).
      while (this.addressBuckets.size >= this.limits.maxTrackedAddresses) this.addressBuckets.delete(this.addressBuckets.keys().next().value!);
    }
    bucket = new ByteBucket(this.limits.addressBytesPerSec, this.limits.addressBurstBytes, nowMs);
    this.addressBuckets.set(address, bucket);
    return bucket;
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
