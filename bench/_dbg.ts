import { MeshSignals } from '../hub/index';
import { createTestWallet } from '../hub/testing/test-wallet';
import { startHomes } from '../scripts/testbed/homes.mjs';
import { startTestLease, testSuppliers } from '../main/worker/mesh/test-support/mesh-testbed';
import { meshAddressOf } from '../common/mesh';

async function main(): Promise<void> {
  const bed = await startHomes({ homes: [{ nat: 'cone' }, { nat: 'symmetric' }] });
  const signals = new MeshSignals({ udpHost: bed.hubAddress });
  try {
    const suppliers = await testSuppliers(bed, createTestWallet);
    const lease = await startTestLease(suppliers, signals, { leaseId: 'dbg', jobs: false });
    console.log(JSON.stringify(signals.matrix('dbg')));
    const n = lease.nodes[0]!;
    const peer = meshAddressOf('dbg', 1);
    console.log(await n.exec(['ping', '-c', '5', '-i', '0.2', '-W', '1', peer]));
    console.log(await n.rttMs(peer), await n.sendTo(peer, 51821, 32 * 1024 * 1024));
    console.log(await n.exec(['sh', '-c', `dd if=/dev/zero bs=65536 count=10 2>/dev/null | nc ${peer} 51821; echo rc=$?`], [], 15000));
    console.log(await lease.nodes[1]!.exec(['sh', '-c', 'ps; netstat -ltn']));
    await lease.dispose();
  } finally {
    signals.dispose();
    await bed.stop();
  }
}
void main();
