import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESH_INTERFACE, meshAddressOf } from '../../../common/mesh';
import { MeshSignals } from '../../../hub';
import { createTestWallet } from '../../../hub/testing/test-wallet';
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
    suppliers = await testSuppliers(bed, createTestWallet);
  }, 400_000);

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
    // What the renter sees: every pair measured over the mesh, direct or relayed.
    const matrix = signals.matrix('lease-three');
    expect(matrix.state, JSON.stringify(matrix)).toBe('ready');
    expect(matrix.pairs.map((p) => `${p.fromRank}-${p.toRank}:${p.path}`)).toEqual(['0-1:direct', '0-2:relayed', '1-2:relayed']);
    for (const pair of matrix.pairs) {
      expect(pair.rttMs).toBeGreaterThan(0);
      expect(pair.bitsPerSecond).toBeGreaterThan(1_000_000);
      expect(pair.upAfterMs).toBeGreaterThan(0);
    }

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

  it('isolates each lease, from inside its job container: only its peers, and the internet only with egress', async () => {
    const [h1] = suppliers;
    const home = h1!.home;
    const closed = await startTestLease([h1!], signals, { leaseId: 'iso-closed' });
    leases.push(closed);
    const open = await startTestLease([h1!], signals, { leaseId: 'iso-egress', egress: true });
    leases.push(open);
    const three = leases.find((l) => l.leaseId === 'lease-three');

    // Listeners: on the supplier machine's 0.0.0.0, on a LAN device, on the metadata address, on the internet.
    const children = [
      bed.spawnIn(home.netns, ['busybox', 'nc', '-ll', '-p', '18080', '-e', '/bin/true']),
      bed.spawnIn(home.routerNetns, ['busybox', 'nc', '-ll', '-p', '18081', '-e', '/bin/true']),
      bed.spawnIn(home.routerNetns, ['busybox', 'nc', '-ll', '-p', '80', '-e', '/bin/true']),
    ];
    const internet = await listenTcp(bed.hubAddress);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const gateway = /default via (\S+)/.exec((await open.nodes[0]!.exec(['ip', '-4', 'route', 'show', 'default'])).stdout)?.[1];
      expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const targets = {
        host: [home.lanAddress, 18080],
        hostViaDockerGateway: [gateway!, 18080],
        hostDocker0: ['172.17.0.1', 18080],
        lanDevice: [home.lanDeviceAddress, 18081],
        metadata: ['169.254.169.254', 80],
        otherLeaseMesh: [meshAddressOf('lease-three', 0), 7000],
        internet: [bed.hubAddress, internet.port],
      } as const;
      // Control: each listener is there and answers when asked from the supplier's machine itself.
      for (const name of ['host', 'lanDevice', 'metadata'] as const) {
        const [host, port] = targets[name];
        const control = bed.exec(home.netns, ['busybox', 'sh', '-c', `echo x | busybox nc -w 2 ${host} ${port} >/dev/null && echo OPEN`]);
        expect(control.stdout, `control ${name}`).toContain('OPEN');
      }
      expect(three, 'the 3-node lease of the first test').toBeDefined();
      const reach = async (lease: TestLease) => {
        const out: Record<string, boolean> = {};
        for (const [name, [host, port]] of Object.entries(targets)) out[name] = await jobCanConnect(h1!.engine, lease.jobs[0]!, host, port);
        return out;
      };
      expect(await reach(closed)).toEqual({ host: false, hostViaDockerGateway: false, hostDocker0: false, lanDevice: false, metadata: false, otherLeaseMesh: false, internet: false });
      expect(await reach(open)).toEqual({ host: false, hostViaDockerGateway: false, hostDocker0: false, lanDevice: false, metadata: false, otherLeaseMesh: false, internet: true });
      // IPv6 is off in the lease's namespace: no ULA or link-local address to reach anything with.
      const v6 = await inJob(h1!.engine, open.jobs[0]!, ['sh', '-c', 'cat /proc/sys/net/ipv6/conf/all/disable_ipv6; ip -6 addr | grep -c inet6 || true']);
      expect(v6.out.trim().split('\n')).toEqual(['1', '0']);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      internet.server.close();
    }
  });
});
