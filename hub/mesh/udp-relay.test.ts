import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpRelay } from './udp-relay';
import { UdpEndpointObserver } from './udp-endpoint-observer';

const sockets: Socket[] = [];
const relay = new UdpRelay('127.0.0.1');
const observer = new UdpEndpointObserver('127.0.0.1');

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  relay.dispose();
  observer.dispose();
});

async function node(): Promise<{ socket: Socket; received: Buffer[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const received: Buffer[] = [];
  socket.on('message', (m) => received.push(m));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return { socket, received };
}

function wg(type: number, size = 148, fill = 0): Buffer {
  const b = Buffer.alloc(size, fill);
  b[0] = type;
  b[1] = 0;
  b[2] = 0;
  b[3] = 0;
  return b;
}

async function settle(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
}

describe('the hub UDP relay', () => {
  it('forwards WireGuard both ways, keeps the first packet until the other side is known, and drops anything else', async () => {
    const pair = await relay.openPair();
    const a = await node();
    const b = await node();
    a.socket.send(wg(4, 64, 7), pair.portForA, '127.0.0.1');
    a.socket.send(Buffer.from('not wireguard at all, just some bytes'), pair.portForA, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 50));
    b.socket.send(wg(4, 64, 9), pair.portForB, '127.0.0.1');
    await settle(() => a.received.length > 0 && b.received.length > 0);
    expect(b.received).toHaveLength(1);
    expect(b.received[0]![4]).toBe(7);
    expect(a.received).toHaveLength(1);
    expect(a.received[0]![4]).toBe(9);
  });

  it('lets one of two crossing handshake initiations through, so one handshake completes at once', async () => {
    const pair = await relay.openPair();
    const a = await node();
    const b = await node();
    a.socket.send(wg(1), pair.portForA, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 30));
    b.socket.send(wg(1), pair.portForB, '127.0.0.1');
    await settle(() => b.received.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.received.map((m) => m[0])).toEqual([1]);
    expect(a.received).toEqual([]);
    // B answers; the answer goes through.
    b.socket.send(wg(2, 92), pair.portForB, '127.0.0.1');
    await settle(() => a.received.length > 0);
    expect(a.received.map((m) => m[0])).toEqual([2]);
  });

  it('a malicious node flooding its relay gets no more than its pair’s budget through, and its peer’s direction is not starved', async () => {
    // 64 KiB/s and a 32 KiB burst per direction: small, so the bound shows within a test.
    let nowMs = 1_000_000;
    const limited = new UdpRelay('127.0.0.1', '127.0.0.1', { pairBytesPerSec: 65_536, pairBurstBytes: 32_768 }, () => nowMs);
    try {
      const pair = await limited.openPair();
      const flooder = await node();
      const victim = await node();
      victim.socket.send(wg(4, 64, 1), pair.portForB, '127.0.0.1'); // B is known
      await settle(() => pair.forwarded() === 0 && pair.dropped() === 0);
      await new Promise((r) => setTimeout(r, 30));
      // 150 data packets of 1,400 bytes (210 KB) at once, with no time passing.
      // (in batches, so the kernel's socket buffer does not drop them before the relay reads them)
      for (let i = 0; i < 150; i += 1) {
        flooder.socket.send(wg(4, 1_400, 2), pair.portForA, '127.0.0.1');
        if (i % 10 === 9) await new Promise((r) => setTimeout(r, 5));
      }
      await settle(() => pair.forwarded() + pair.dropped() >= 150);
      await new Promise((r) => setTimeout(r, 100));
      const fromFlooder = victim.received.filter((m) => m[4] === 2).length;
      expect(fromFlooder * 1_400).toBeLessThanOrEqual(32_768);
      expect(fromFlooder).toBeGreaterThan(0);
      expect(pair.dropped()).toBe(150 - fromFlooder);
      // The other direction has its own budget: the victim still gets through.
      victim.socket.send(wg(4, 200, 3), pair.portForB, '127.0.0.1');
      await settle(() => flooder.received.some((m) => m[4] === 3));
      expect(flooder.received.some((m) => m[4] === 3)).toBe(true);
      // Time refills the budget at its rate: half a second lets about 32 KiB more through.
      nowMs += 500;
      const before = victim.received.length;
      for (let i = 0; i < 100; i += 1) flooder.socket.send(wg(4, 1_400, 2), pair.portForA, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 200));
      const more = victim.received.length - before;
      expect(more).toBeGreaterThan(0);
      expect(more * 1_400).toBeLessThanOrEqual(32_768);
    } finally {
      limited.dispose();
    }
  });

  it('one address over many pairs shares one budget; a stranger cannot take a side by sending first', async () => {
    let nowMs = 1_000_000;
    const limited = new UdpRelay('127.0.0.1', '127.0.0.1', { addressBytesPerSec: 65_536, addressBurstBytes: 32_768 }, () => nowMs);
    try {
      const flooder = await node();
      const sinks = [await node(), await node(), await node()];
      const pairs = await Promise.all(sinks.map(() => limited.openPair()));
      for (const [i, pair] of pairs.entries()) sinks[i]!.socket.send(wg(4, 64, 1), pair.portForB, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 50; i += 1) {
        for (const pair of pairs) flooder.socket.send(wg(4, 1_400, 2), pair.portForA, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 2));
      }
      await settle(() => pairs.reduce((n, p) => n + p.forwarded() + p.dropped(), 0) >= 150);
      await new Promise((r) => setTimeout(r, 100));
      const through = sinks.reduce((n, s) => n + s.received.filter((m) => m[4] === 2).length, 0);
      expect(through * 1_400).toBeLessThanOrEqual(32_768);

      // Sides pinned to the addresses the hub observed: a packet from elsewhere is dropped, the real side still gets in.
      const pinned = await limited.openPair(['127.0.0.1', '127.0.0.1']);
      const stranger = createSocket('udp4');
      sockets.push(stranger);
      await new Promise<void>((resolve) => stranger.bind(0, '127.0.0.2', () => resolve()));
      const real = await node();
      const peer = await node();
      stranger.send(wg(4, 64, 6), pinned.portForA, '127.0.0.1');
      await settle(() => pinned.dropped() > 0);
      expect(pinned.dropped()).toBe(1);
      real.socket.send(wg(4, 64, 7), pinned.portForA, '127.0.0.1');
      peer.socket.send(wg(4, 64, 8), pinned.portForB, '127.0.0.1');
      await settle(() => peer.received.length > 0 && real.received.length > 0);
      expect(peer.received.map((m) => m[4])).toEqual([7]);
      expect(real.received.map((m) => m[4])).toEqual([8]);
      nowMs += 1;
    } finally {
      limited.dispose();
    }
  });

  it('the observer reports the source of the first handshake initiation on its port, nothing else', async () => {
    const observation = await observer.observe(2_000);
    const probe = await node();
    probe.socket.send(wg(4, 64), observation.target.port, '127.0.0.1');
    probe.socket.send(wg(1), observation.target.port, '127.0.0.1');
    const seen = await observation.result;
    expect(seen).toEqual({ host: '127.0.0.1', port: probe.socket.address().port });
  });

  it('the observer gives null after its timeout', async () => {
    const observation = await observer.observe(100);
    expect(await observation.result).toBeNull();
  });
});
