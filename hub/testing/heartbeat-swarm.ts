import { WorkerClient } from '../../hub-client/worker-client';
import type { WorkerHardware } from '../../common/hub/market-types';

/**
 * Many worker sessions in one process, for the hub-connections benchmark: each a real
 * WorkerClient (WebSocket, hello, heartbeats at the interval the hub asks for). Driven by
 * its parent over IPC: `grow` opens sessions until this process holds `count`, `measure`
 * collects heartbeat round trips for a while, `exit` leaves.
 */
type Command =
  | { cmd: 'grow'; count: number; hubUrl: string; otherHubUrls?: string[]; tokens: string[]; prefix: string; reconnectMinMs?: number; reconnectMaxMs?: number }
  | { cmd: 'measure'; ms: number }
  /** From now on, note when each session is welcomed again (the failover benchmark); `welcomed` when all are, or at `timeoutMs`. */
  | { cmd: 'arm'; timeoutMs: number }
  | { cmd: 'exit' };

const clients: WorkerClient[] = [];
const hardware = (i: number, prefix: string): WorkerHardware => ({
  gpus: [{ uuid: `GPU-${prefix}-${i}`, model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, index: 0 }],
});

async function grow(c: Extract<Command, { cmd: 'grow' }>): Promise<number> {
  let failed = 0;
  const batch = 100;
  while (clients.length < c.count) {
    const starts: Array<Promise<unknown>> = [];
    for (let k = 0; k < batch && clients.length < c.count; k++) {
      const i = clients.length;
      const client = new WorkerClient({
        hubUrl: c.hubUrl,
        ...(c.otherHubUrls ? { otherHubUrls: c.otherHubUrls } : {}),
        token: async () => c.tokens[i % c.tokens.length]!,
        machineId: `${c.prefix}-${String(i).padStart(6, '0')}`,
        hardware: hardware(i, c.prefix),
        region: 'eu-west',
        reconnectMinMs: c.reconnectMinMs ?? 1_000,
        reconnectMaxMs: c.reconnectMaxMs ?? 10_000,
      });
      clients.push(client);
      starts.push(client.start().catch(() => (failed += 1)));
    }
    await Promise.all(starts);
  }
  return failed;
}

process.on('message', (command: Command) => {
  if (command.cmd === 'grow') {
    void grow(command).then((failed) => process.send?.({ event: 'grown', sessions: clients.filter((c) => c.connected).length, failed }));
  } else if (command.cmd === 'arm') {
    const welcomedAtMs: Array<number | null> = clients.map(() => null);
    let pending = clients.length;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      process.send?.({ event: 'welcomed', welcomedAtMs });
    };
    const timer = setTimeout(finish, command.timeoutMs);
    clients.forEach((c, i) => {
      c.once('welcome', () => {
        welcomedAtMs[i] = Date.now();
        pending -= 1;
        if (pending === 0) finish();
      });
    });
    process.send?.({ event: 'armed' });
  } else if (command.cmd === 'measure') {
    for (const c of clients) c.heartbeatRttMs.length = 0;
    setTimeout(() => {
      const rtts = clients.flatMap((c) => c.heartbeatRttMs);
      process.send?.({ event: 'measured', rtts, connected: clients.filter((c) => c.connected).length });
    }, command.ms);
  } else {
    for (const c of clients) c.stop();
    setTimeout(() => process.exit(0), 100);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ event: 'ready' });
