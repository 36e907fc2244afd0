import { WebSocketServer } from 'ws';

/**
 * The hub-connections benchmark's baseline: a bare `ws` server that answers the worker
 * hello with a minimal welcome and echoes heartbeats — the cost of the sockets alone,
 * without sign-in, validation, registry or store. Prints its port on stdout.
 */
const heartbeatIntervalMs = Number(process.argv[2] ?? 5_000);
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/worker', perMessageDeflate: false });
let ids = 0;
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; seq?: number; sentAtMs?: number };
    if (message.type === 'hello') {
      ws.send(JSON.stringify({ type: 'welcome', protocolVersion: 1, workerId: `w-${++ids}`, heartbeatIntervalMs, offers: [], leases: [], hardwareCheck: { passed: true, problems: [] } }));
    } else if (message.type === 'heartbeat') {
      ws.send(JSON.stringify({ type: 'heartbeat.ack', seq: message.seq, sentAtMs: message.sentAtMs }));
    }
  });
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`port ${address && typeof address === 'object' ? address.port : address}`);
});
