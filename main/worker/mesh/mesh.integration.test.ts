import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESH_INTERFACE, meshAddressOf } from '../../../common/mesh';
import { MeshSignals } from '../../../hub/index';
import { cleanupStaleTestbeds, startHomes, testbedToolsAvailable } from '../../../scripts/testbed/homes.mjs';
import type { Testbed } from '../../../scripts/testbed/homes.mjs';
import { inJob, jobCanConnect, listenTcp, startTestLease, testSuppliers } from './test-support/mesh-testbed';
import type { TestLease, TestSupplier } from './test-support/mesh-testbed';

// Three homes, each behind its own NAT, with a dockerd each; home 3's NAT is symmetric.
// The hub's mesh signalling (observer and relay) listens on the host's "internet" address.
const tools = testbedToolsAvailable();
const run = tools.ok ? describe : describe.skip;
if (!tools.ok) console.warn(`[skip] mesh across NAT: missing ${tools.missing.join(', ')}`);

run('a lease mesh across homes behind NAT', { timeout: 120_000 }, () => {
  let bed: Testbed;
  let signals: MeshSignals;
  let suppliers: TestSupplier[];
  const leases: TestLease[] = [];

  beforeAll(async () => {
    cleanupStaleTestbeds();
    bed = await startHomes({ homes: [{ nat: 'cone' }, { nat: 'cone' }, { nat: 'symmetric' }] });
    signals = new MeshSignals({ udpHost: bed.hubAddress });
    suppliers = await testSuppliers(bed);
  }, 180_000);

  afterAll(async () => {
    for (const lease of leases) await lease.dispose();
    signals?.dispose();
    await bed?.stop();
  }, 120_000);

  it('brings up a 3-node mesh: the cone pair direct, the pairs with the symmetric NAT relayed; job containers talk over it', async () => {
    const lease = await startTestLease(suppliers, signals, { leaseId: 'lease-three' });
    leases.push(lease);
    const paths = lease.results.map((r, rank) => r.pairs.map((p) => `${rank}-${p.peer.rank}:${p.path}`)).flat();
    expect(paths.sort()).toEqual(['0-1:direct', '0-2:relayed', '1-0:direct', '1-2:relayed', '2-0:relayed', '2-1:relayed']);
    expect(signals.relayedPackets('lease-three')).toBeGreaterThan(0);

    // From inside the job containers (no capabilities), over the mesh interface.
    const listener = await inJob(suppliers[0]!.engine, lease.jobs[0]!, ['sh', '-c', 'nc -ll -p 7000 -e /bin/echo hello-from-rank0 >/dev/null 2>&1 & sleep 0.2; echo started']);
    expect(listener.out).toContain('started');
    for (const rank of [1, 2]) {
      const reply = await inJob(suppliers[rank]!.engine, lease.jobs[rank]!, ['sh', '-c', `nc -w 3 ${meshAddressOf('lease-three', 0)} 7000 </dev/null`]);
      expect(reply.out).toContain('hello-from-rank0');
    }
    // The job sees the mesh interface with its own address, and holds no capability to change it.
    const ifaces = await inJob(suppliers[1]!.engine, lease.jobs[1]!, ['sh', '-c', `ip -4 addr show ${MESH_INTERFACE}; grep CapEff /proc/self/status; ip link set ${MESH_INTERFACE} down; echo "down:$?"`]);
    expect(ifaces.out).toContain(`${meshAddressOf('lease-three', 1)}/24`);
    expect(ifaces.out).toMatch(/CapEff:\s+0000000000000000/);
    expect(ifaces.out).toMatch(/down:[1-9]/);
  });
});
