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
