import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { startAccessRig } from '../../../../hub/testing/access-rig';
import type { AccessRig } from '../../../../hub/testing/access-rig';
import { testLogger } from '../../../../hub/testing/test-logger';
import { RenterForwards } from './renter-forwards';

// A WebSocket through a port forward (Jupyter kernels need them): the renter's local
// listener → the hub's relay (a real hub, a lease paid on the sandbox chain) → the node's
// port, here a ws echo server on loopback standing for the container's.
let rig: AccessRig;
let server: WebSocketServer;
let forwards: RenterForwards;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await new Promise((ok) => server.once('listening', ok));
  rig = await startAccessRig();
  forwards = new RenterForwards(Date.now, testLogger);
}, 90_000);

afterAll(async () => {
  forwards?.closeWhere(() => true);
  await rig?.stop();
  await new Promise((ok) => server?.close(ok));
});

it('carries a WebSocket through a forward, and an idle one stays open', async () => {
  const port = (server.address() as { port: number }).port;
  const forward = await forwards.open(rig.renter, rig.leaseId, 0, port, undefined);
  const ws = new WebSocket(`ws://127.0.0.1:${forward.localPort}/api/kernels/k1/channels`);
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  const echo = (text: string) =>
    new Promise<string>((ok) => {
      ws.once('message', (data) => ok(data.toString()));
      ws.send(text);
    });
  expect(await echo('{"msg_type":"execute_request"}')).toBe('{"msg_type":"execute_request"}');
  await new Promise((r) => setTimeout(r, 3_000)); // idle: nothing times out
  expect(await echo('still-here ✓')).toBe('still-here ✓');
  expect(forwards.list()[0]).toMatchObject({ connections: 1, lastError: null });
  ws.close();
}, 30_000);
