// `npm run bench -- mesh`: the per-lease WireGuard mesh between two simulated homes
// behind NAT (scripts/testbed/homes.mjs: homes 1 and 2 behind cone NATs, home 3 behind a
// symmetric one), against the same namespaces' path without the mesh, in the same run.
//
// - throughput_ratio: TCP throughput rank 0 → rank 1 over the mesh (wireguard-go in
//   userspace, in the sidecars) ÷ TCP throughput from the same sidecar to a sink on the
//   internet side across the same NATs and links without WireGuard (target ≥ 0.5);
// - rtt_added_ms: median ping over the mesh minus the median ping on that direct path;
// - mesh_up_ms_p50: from both sidecars running to every node's pairs up, direct (homes 1
//   and 2; target ≤ 2,000); relayed_mesh_up_ms_p50: the same for homes 1 and 3, whose
//   pair must go through the hub's relay (target ≤ 5,000).
// Throughput is timed by the sender inside its sidecar (busybox: /proc/uptime, 10 ms) from
// the first byte written to the socket's close, 32 MiB each way; both sides of the ratio
// are timed alike, but a send buffer of up to 4 MiB still in flight at close makes the
// absolute figures optimistic. A receiver-side timer would be better (not done).
// BENCH_RUNS overrides the 5 leases per kind.
import { MeshSignals } from '../hub/index';
import { createTestWallet } from '../hub/testing/test-wallet';
import { startHomes, testbedToolsAvailable } from '../scripts/testbed/homes.mjs';
import { startTestLease, testSuppliers } from '../main/worker/mesh/test-support/mesh-testbed';
import { meshAddressOf } from '../common/mesh';
import { median } from './_median';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const BYTES = 32 * 1024 * 1024;

async function main(): Promise<void> {
  const tools = testbedToolsAvailable();
  if (!tools.ok) throw new Error(`the mesh bench needs ${tools.missing.join(', ')}`);
  const bed = await startHomes({ homes: [{ nat: 'cone' }, { nat: 'cone' }, { nat: 'symmetric' }] });
  const signals = new MeshSignals({ udpHost: bed.hubAddress });
  try {
    const [h1, h2, h3] = await testSuppliers(bed, createTestWallet);
    const direct: number[] = [];
    const relayed: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const a = await startTestLease([h1!, h2!], signals, { leaseId: `bench-d${i}`, jobs: false });
      const paths = a.results.flatMap((r) => r.pairs.map((p) => p.path));
      await a.dispose();
      if (paths.some((p) => p !== 'direct')) throw new Error(`homes 1 and 2 should pair directly, got ${paths.join(', ')}`);
      direct.push(a.meshUpMs);
      const b = await startTestLease([h1!, h3!], signals, { leaseId: `bench-r${i}`, jobs: false });
      const relayedPaths = b.results.flatMap((r) => r.pairs.map((p) => p.path));
      await b.dispose();
      if (relayedPaths.some((p) => p !== 'relayed')) throw new Error(`homes 1 and 3 should pair through the relay, got ${relayedPaths.join(', ')}`);
      relayed.push(b.meshUpMs);
    }

    // Throughput and latency: one lease with egress (so the sidecar may reach the direct path's sink).
    const lease = await startTestLease([h1!, h2!], signals, { leaseId: 'bench-tp', jobs: false, egress: true });
    try {
      const sender = lease.nodes[0]!;
      const peer = meshAddressOf('bench-tp', 1);
      // The direct path: the same sidecar, its NATs and the internet's links, to a sink on
      // the internet side (the routers refuse anything unsolicited, as home routers do).
      const directHost = bed.hubAddress.replace(/\.1$/, '.65');
      const router = bed.internetNetns;
      const meshBps: number[] = [];
      const directBps: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const m = await sender.sendTo(peer, 51821, BYTES);
        if (m) meshBps.push(m);
        const sink = bed.spawnIn(router, ['busybox', 'nc', '-l', '-p', '5301']);
        sink.stdout.resume();
        await new Promise((r) => setTimeout(r, 200));
        const d = await sender.sendTo(directHost, 5301, BYTES);
        sink.kill('SIGKILL');
        if (d) directBps.push(d);
      }
      const meshRtt = await sender.rttMs(peer, 11);
      const directRtt = await sender.rttMs(directHost, 11);
      if (meshBps.length === 0 || directBps.length === 0 || meshRtt === null || directRtt === null) throw new Error('a measurement failed');
      const meshP50 = median(meshBps);
      const directP50 = median(directBps);
      console.log(
        JSON.stringify({
          bench: 'mesh',
          runs,
          mesh_mbit_s: Math.round(meshP50 / 1e6),
          direct_mbit_s: Math.round(directP50 / 1e6),
          throughput_ratio: Math.round((meshP50 / directP50) * 1000) / 1000,
          target_throughput_ratio: 0.5,
          mesh_rtt_ms: meshRtt,
          direct_rtt_ms: directRtt,
          rtt_added_ms: Math.round((meshRtt - directRtt) * 1000) / 1000,
          mesh_up_ms_p50: Math.round(median(direct)),
          target_mesh_up_ms_p50: 2000,
          relayed_mesh_up_ms_p50: Math.round(median(relayed)),
          target_relayed_mesh_up_ms_p50: 5000,
        }),
      );
    } finally {
      await lease.dispose();
    }
  } finally {
    signals.dispose();
    await bed.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
