import { percentile, round } from '../hub/testing/synthetic-market';
import { startAccessRig } from '../hub/testing/access-rig';

// `npm run bench -- terminal`: keystroke-to-echo latency of a terminal stream of issue 12
// through the hub on loopback (renter access socket → hub → supplier access socket and
// back; the node echoes as a TTY does). `p99_ms` (target ≤ 20) over BENCH_KEYS keystrokes.
const KEYS = Number(process.env.BENCH_KEYS ?? 2_000);

async function main(): Promise<void> {
  const rig = await startAccessRig();
  try {
    const term = await rig.renter.open({ leaseId: rig.leaseId, rank: 0, kind: 'terminal', cols: 80, rows: 24 });
    const times: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      const started = process.hrtime.bigint();
      const back = new Promise<void>((ok) => term.once('data', () => ok()));
      term.write(String.fromCharCode(97 + (i % 26)));
      await back;
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    term.destroy();
    times.sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'terminal', keys: KEYS, p50_ms: round(percentile(times, 50)), p99_ms: round(percentile(times, 99)), target_p99_ms: 20 }));
  } finally {
    await rig.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
