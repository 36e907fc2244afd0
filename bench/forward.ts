import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { RenterForwards } from '../main/market/renter/access/renter-forwards';
import { percentile, round } from '../hub/testing/synthetic-market';
import { testLogger } from '../hub/testing/test-logger';
import { startAccessRig } from '../hub/testing/access-rig';

// `npm run bench -- forward`: a port forward of issue 12 through the hub on loopback (the
// renter app's local listener → renter access socket → hub → supplier access socket → the
// node's TCP port) against a direct TCP connection to the same port, in the same run.
//   ratio: forwarded throughput / direct throughput (target ≥ 0.5), 64 MiB each way;
//   rtt_added_p99_ms: p99 of 1-byte round trips through the forward minus direct (target ≤ 5).
const BYTES = Number(process.env.BENCH_BYTES ?? 64 * 1024 * 1024);
const ROUND_TRIPS = Number(process.env.BENCH_ROUND_TRIPS ?? 2_000);
/** Bytes moved while memory is watched (issue 12: 1 GiB through the relay with bounded memory). */
const RSS_BYTES = Number(process.env.BENCH_RSS_BYTES ?? 1024 * 1024 * 1024);

function listen(onSocket: (socket: Socket) => void): Promise<Server> {
  const server = createServer(onSocket);
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const portOf = (server: Server) => (server.address() as { port: number }).port;

function dial(port: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const socket = connect({ host: '127.0.0.1', port }, () => ok(socket));
    socket.setNoDelay(true);
    socket.once('error', fail);
  });
}

/** Sends `bytes` and waits for the sink's one-byte acknowledgement that all arrived. */
async function throughput(port: number, bytes = BYTES): Promise<number> {
  const socket = await dial(port);
  const chunk = Buffer.alloc(256 * 1024, 7);
  const started = process.hrtime.bigint();
  const acked = new Promise<void>((ok) => socket.once('data', () => ok()));
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((ok) => socket.once('drain', ok));
  }
  await acked;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  return bytes / seconds;
}

async function roundTrips(port: number): Promise<number[]> {
  const socket = await dial(port);
  const times: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const started = process.hrtime.bigint();
    const back = new Promise<void>((ok) => socket.once('data', () => ok()));
    socket.write('x');
    await back;
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  socket.destroy();
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  // The node's ports: a sink that acknowledges BYTES with one byte, and a 1-byte echo.
  let sinkTarget = BYTES;
  const sink = await listen((socket) => {
    let got = 0;
    const target = sinkTarget;
    socket.on('data', (b: Buffer) => {
      got += b.length;
      if (got >= target) socket.write('k');
    });
    socket.on('error', () => undefined);
  });
  const echo = await listen((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => socket.write(b));
    socket.on('error', () => undefined);
  });
  const rig = await startAccessRig();
  const forwards = new RenterForwards(Date.now, testLogger);
  try {
    const sinkForward = await forwards.open(rig.renter, rig.leaseId, 0, portOf(sink), undefined);
    const echoForward = await forwards.open(rig.renter, rig.leaseId, 0, portOf(echo), undefined);
    await throughput(sinkForward.localPort); // warm up both paths once
    const direct = await throughput(portOf(sink));
    const forwarded = await throughput(sinkForward.localPort);
    const directRtt = await roundTrips(portOf(echo));
    const forwardRtt = await roundTrips(echoForward.localPort);
    // 1 GiB through the forward while the process's memory is sampled: renter listener,
    // both access sockets and the hub are all in this process, so a bounded peak means
    // every side's buffers are bounded by the credit windows.
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    sinkTarget = RSS_BYTES;
    await throughput(sinkForward.localPort, RSS_BYTES);
    clearInterval(sampler);
    console.log(
      JSON.stringify({
        bench: 'forward',
        bytes: BYTES,
        direct_mib_s: round(direct / 1024 / 1024, 1),
        forward_mib_s: round(forwarded / 1024 / 1024, 1),
        ratio: round(forwarded / direct, 3),
        target_ratio: 0.5,
        rtt_direct_p99_ms: round(percentile(directRtt, 99)),
        rtt_forward_p99_ms: round(percentile(forwardRtt, 99)),
        rtt_added_p99_ms: round(percentile(forwardRtt, 99) - percentile(directRtt, 99)),
        target_rtt_added_p99_ms: 5,
        rss_bytes_moved: RSS_BYTES,
        rss_before_mib: round(rssBefore / 1024 / 1024, 1),
        rss_peak_mib: round(rssPeak / 1024 / 1024, 1),
        rss_growth_mib: round((rssPeak - rssBefore) / 1024 / 1024, 1),
      }),
    );
  } finally {
    forwards.closeWhere(() => true);
    await rig.stop();
    sink.close();
    echo.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
