import { MeshSignals } from '../hub/index';
import { startHomes } from '../scripts/testbed/homes.mjs';
import { startTestLease, testSuppliers } from '../main/worker/mesh/test-support/mesh-testbed';
async function main(): Promise<void> {

const bed = await startHomes({ homes: [{ nat: 'cone' }, { nat: 'symmetric' }] });
const signals = new MeshSignals({ udpHost: bed.hubAddress });
try {
  const suppliers = await testSuppliers(bed);
  console.log('ready');
  console.log('start', Date.now() % 100000);
  const lease = await startTestLease(suppliers, signals, { leaseId: 'dbg', jobs: false });
  console.log(JSON.stringify(lease.results.map((r) => r.pairs.map((p) => [p.peer.rank, p.path, p.upAfterMs]))), lease.meshUpMs);
  console.log('relayed', signals.relayedPackets('dbg'));
  await new Promise((r) => setTimeout(r, 6000));
  for (const node of lease.nodes) console.log((await node.exec(['wg', 'show'])).stdout);
  console.log('relayed', signals.relayedPackets('dbg'));
  await lease.dispose();
} finally {
  signals.dispose();
  await bed.stop();
}

}
void main();
