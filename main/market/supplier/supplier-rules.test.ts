import { describe, expect, it } from 'vitest';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import { DEFAULT_LEND_TERMS } from '../../../common/market/lend-types';
import { csvField, earningsCsv } from './earnings-report';
import { USDC } from '../../../common/money/token-registry';
import { energyCostOf } from './earnings-store';
import { expectedIncrementAmount, leaseRefusal } from './lease-admission';
import { leaseJobId, leaseJobSpec } from './lease-job-spec';
import { meshAddressOf } from '../../../common/mesh';
import { medianPrice, planOffers } from './offer-plan';
import { sidecarFirewallRules } from '../../worker/mesh/sidecar-firewall';
import { meshSubnetOf } from '../../../common/mesh';
import { ThermalGuard } from './thermal-guard';

const lease = (over: Partial<WorkerLease> = {}): WorkerLease => ({
  leaseId: 'L1', state: 'paid', renter: 'R', rank: 0, worldSize: 2, gpuUuids: ['GPU-a'], job: { image: 'busybox:1', masterPort: 29500, ports: [8080] },
  peers: [{ rank: 0, workerId: 'w0', host: '10.0.0.1' }, { rank: 1, workerId: 'w1', host: '10.0.0.2' }], masterAddr: '10.0.0.1', masterPort: 29500,
  incrementMs: 600_000, graceMs: 60_000, incrementCount: 2, startedAtMs: null, paidThroughMs: null, mint: 'M', payments: [], ...over,
});

describe('supplier rules', () => {
  it('thermal guard: pauses after 10 s above the maximum, resumes only below maximum − 5 °C', () => {
    const g = new ThermalGuard();
    const s = (t: number, c: number) => [{ gpuUuid: 'GPU-a', gpuIndex: 0, tMs: t, temperatureC: c, powerW: 100, utilizationPct: 0, vramUsedMiB: 0, fanPct: 0, smClockMHz: 0 }];
    const leases = [{ leaseId: 'L1', gpuUuids: ['GPU-a'], paused: false }];
    expect(g.observe(s(0, 85), 0, 80, leases)).toEqual([]);
    expect(g.observe(s(9_000, 85), 9_000, 80, leases)).toEqual([]);
    expect(g.observe(s(10_000, 85), 10_000, 80, leases)).toEqual([{ leaseId: 'L1', action: 'pause', temperatureC: 85 }]);
    const paused = [{ ...leases[0]!, paused: true }];
    expect(g.observe(s(11_000, 76), 11_000, 80, paused)).toEqual([]);
    expect(g.observe(s(12_000, 74), 12_000, 80, paused)).toEqual([{ leaseId: 'L1', action: 'resume', temperatureC: 74 }]);
    // Dipping below the maximum restarts the count-down.
    g.observe(s(20_000, 85), 20_000, 80, leases);
    g.observe(s(25_000, 79), 25_000, 80, leases);
    expect(g.observe(s(31_000, 85), 31_000, 80, leases)).toEqual([]);
  });

  it('thermal guard boundaries: exactly at the maximum never pauses; exactly at maximum − 5 °C stays paused', () => {
    const g = new ThermalGuard();
    const s = (t: number, c: number) => [{ gpuUuid: 'GPU-a', gpuIndex: 0, tMs: t, temperatureC: c, powerW: 100, utilizationPct: 0, vramUsedMiB: 0, fanPct: 0, smClockMHz: 0 }];
    const leases = [{ leaseId: 'L1', gpuUuids: ['GPU-a'], paused: false }];
    // At the maximum (80 °C) for a minute: within the owner's limit, no pause.
    for (let t = 0; t <= 60_000; t += 5_000) expect(g.observe(s(t, 80), t, 80, leases)).toEqual([]);
    expect(g.state(80, ['GPU-a']).hotSinceMs).toBeNull();
    // One degree above, for exactly THERMAL_PAUSE_AFTER_MS: paused.
    expect(g.observe(s(61_000, 81), 61_000, 80, leases)).toEqual([]);
    expect(g.observe(s(70_999, 81), 70_999, 80, leases)).toEqual([]);
    expect(g.observe(s(71_000, 81), 71_000, 80, leases)).toEqual([{ leaseId: 'L1', action: 'pause', temperatureC: 81 }]);
    const paused = [{ ...leases[0]!, paused: true }];
    // At maximum − 5 (75 °C), however long: still paused (hysteresis is strict).
    for (let t = 72_000; t <= 130_000; t += 5_000) expect(g.observe(s(t, 75), t, 80, paused)).toEqual([]);
    expect(g.state(80, ['GPU-a']).pausedSinceMs).toBe(71_000);
    // One degree below: resumed.
    expect(g.observe(s(131_000, 74), 131_000, 80, paused)).toEqual([{ leaseId: 'L1', action: 'resume', temperatureC: 74 }]);
  });

  it('refuses leases outside the owner\'s limits, in words', () => {
    const terms = { ...DEFAULT_LEND_TERMS, minLeaseMs: 3_600_000, schedule: [{ days: [0], startMinuteUtc: 0, endMinuteUtc: 1 }] };
    expect(leaseRefusal(lease({ gpuUuids: ['GPU-x'] }), DEFAULT_LEND_TERMS, ['GPU-a'], 0)).toMatch(/does not share GPU GPU-x/);
    expect(leaseRefusal(lease(), terms, ['GPU-a'], 0)).toMatch(/shorter than this machine's minimum of 1 h/);
    expect(leaseRefusal(lease({ incrementCount: 6 }), terms, ['GPU-a'], Date.UTC(2024, 0, 3, 12))).toMatch(/schedule/);
    expect(leaseRefusal(lease({ incrementCount: 6, startedAtMs: 1 }), terms, ['GPU-a'], Date.UTC(2024, 0, 3, 12))).toBeNull();
  });

  it('builds the job: exact GPUs, cluster env, MASTER_PORT published on rank 0, egress for a multi-node lease', () => {
    const spec = leaseJobSpec(lease(), null, DEFAULT_LEND_TERMS.maxLeaseMs);
    expect(spec.jobId).toBe(leaseJobId(lease()));
    expect(spec.gpuUuids).toEqual(['GPU-a']);
    expect(spec.env).toMatchObject({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: '10.0.0.1', MASTER_PORT: '29500', IDLEGRID_PEERS: '0=10.0.0.1,1=10.0.0.2' });
    expect(spec.exposedPorts).toEqual([{ port: 8080, protocol: 'tcp' }, { port: 29500, protocol: 'tcp' }]);
    expect(spec.egress).toBe(true);
    expect(leaseJobSpec(lease({ rank: 1 }), null, 0).exposedPorts).toEqual([{ port: 8080, protocol: 'tcp' }]);
  });

  it('builds a mesh job: MASTER_ADDR and peers on the mesh, nothing published, no internet, the placement with each rank’s wallet; never from an older hub’s lease', () => {
    const withWallets = lease({ peers: [{ rank: 0, workerId: 'w0', host: '10.0.0.1', supplier: 'S'.repeat(32) }, { rank: 1, workerId: 'w1', host: '10.0.0.2', supplier: 'T'.repeat(32) }] });
    const spec = leaseJobSpec(withWallets, null, 0, { mesh: true });
    expect(spec.env).toMatchObject({ RANK: '0', WORLD_SIZE: '2', MASTER_ADDR: meshAddressOf('L1', 0), IDLEGRID_PEERS: `0=${meshAddressOf('L1', 0)},1=${meshAddressOf('L1', 1)}`, GLOO_SOCKET_IFNAME: 'idg0' });
    expect(spec.exposedPorts).toEqual([]);
    expect(spec.egress).toBe(false);
    expect(spec.mesh).toEqual({ hubLeaseId: 'L1', rank: 0, placement: [{ rank: 0, workerId: 'w0', supplier: 'S'.repeat(32) }, { rank: 1, workerId: 'w1', supplier: 'T'.repeat(32) }] });
    // Peers without wallets (an older hub): no mesh, the bridge as before.
    expect(leaseJobSpec(lease(), null, 0, { mesh: true }).mesh).toBeUndefined();
  });

  it('egress (issue 11): the mesh job reaches the internet only when the renter asked AND the hub priced it; the machine checks the price and is paid it', () => {
    const peers = [{ rank: 0, workerId: 'w0', host: '10.0.0.1', supplier: 'S'.repeat(32) }, { rank: 1, workerId: 'w1', host: '10.0.0.2', supplier: 'T'.repeat(32) }];
    const job = { image: 'busybox:1', masterPort: 29500, egress: true };
    const paid = lease({ peers, job, pricePerGpuHour: '450000', egressPricePerHour: '60000' });
    expect(leaseJobSpec(paid, null, 0, { mesh: true }).egress).toBe(true);
    // Attack: the job asks for egress but the lease carries no egress price (nobody pays): shut.
    const unpaid = lease({ peers, job, pricePerGpuHour: '450000' });
    expect(leaseJobSpec(unpaid, null, 0, { mesh: true }).egress).toBe(false);
    // A price on a job that did not ask: shut too (the renter did not choose it).
    expect(leaseJobSpec(lease({ peers, pricePerGpuHour: '450000', egressPricePerHour: '60000' }), null, 0, { mesh: true }).egress).toBe(false);
    // A single node off the mesh gets the internet only when bought.
    expect(leaseJobSpec(lease({ worldSize: 1, peers: [], job, egressPricePerHour: '60000' }), null, 0).egress).toBe(true);
    expect(leaseJobSpec(lease({ worldSize: 1, peers: [] }), null, 0).egress).toBe(false);

    const selling = { ...DEFAULT_LEND_TERMS, egressPricePerHour: '60000' };
    expect(leaseRefusal(paid, selling, ['GPU-a'], 0)).toBeNull();
    expect(leaseRefusal(paid, DEFAULT_LEND_TERMS, ['GPU-a'], 0)).toMatch(/does not offer egress/);
    expect(leaseRefusal(unpaid, selling, ['GPU-a'], 0)).toMatch(/paying nothing .* below this machine's egress price of 60000/);
    expect(leaseRefusal(lease({ peers, job, pricePerGpuHour: '450000', egressPricePerHour: '59999' }), selling, ['GPU-a'], 0)).toMatch(/59999/);
    // Attack, down to the sidecar: the unpaid lease's job spec gives a firewall that ends in
    // REJECT; the paid one ends in ACCEPT (after every private range was refused).
    const lastRule = (l: WorkerLease) => {
      const rules = sidecarFirewallRules({ meshSubnet: meshSubnetOf('L1'), listenPort: 41234, egress: leaseJobSpec(l, null, 0, { mesh: true }).egress ?? false, blockedAddresses: [] });
      return rules.split('\n').filter((line) => line.startsWith('-A OUTPUT')).at(-1);
    };
    expect(lastRule(unpaid)).toBe('-A OUTPUT -j REJECT');
    expect(lastRule(paid)).toBe('-A OUTPUT -j ACCEPT');
    // Each increment must pay GPUs + egress: 10 min at 0.45/GPU-h + 0.06/h = 75000 + 10000.
    expect(expectedIncrementAmount(paid, 0)).toBe(85_000n);
    expect(expectedIncrementAmount(unpaid, 0)).toBe(75_000n);
  });

  it('plans one offer per model, at most 16 GPUs each; median of prices', () => {
    const gpus = [...Array(18).keys()].map((i) => ({ uuid: `GPU-${i}`, model: i < 17 ? 'V100' : 'RTX 4090', vramMiB: 1, index: i }));
    const plan = planOffers(gpus, DEFAULT_LEND_TERMS);
    expect(plan.map((p) => [p.gpuModel, p.terms.gpuUuids.length])).toEqual([['RTX 4090', 1], ['V100', 16], ['V100', 1]]);
    expect(plan[0]!.terms.egressPricePerHour).toBeUndefined();
    expect(planOffers(gpus, { ...DEFAULT_LEND_TERMS, egressPricePerHour: '60000' })[0]!.terms.egressPricePerHour).toBe('60000');
    expect(medianPrice(['3', '1', '2'])).toBe('2');
    expect(medianPrice(['1', '4'])).toBe('2');
    expect(medianPrice([])).toBeNull();
  });

  it('CSV: header, escaping, amounts in USDC, increments numbered from 1 for people; energy cost from Wh × price per kWh', () => {
    expect(energyCostOf(1000, 150_000n)).toBe(150_000n);
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=cmd()')).toBe("'=cmd()");
    const csv = earningsCsv([{ signature: 's', leaseId: 'l,1', increment: 0, renter: 'R', amount: 1_000_000n, recipient: 'P', mint: 'M', reference: 'r', memo: 'm', network: 'sandbox', gpuCount: 1, electricityPricePerKwh: 150_000n, paidAtMs: 0, gpuSeconds: 600, energyWh: 50, reconcile: 'ok', reconcileMessage: null, reconciledAtMs: 1 }], USDC, 0);
    expect(csv.filename).toBe('idlegrid-earnings-1970-01-01.csv');
    expect(csv.csv.split('\r\n')[0]).toBe('paid_at_utc,signature,network,lease_id,increment,renter,amount_usdc,gpu_seconds,energy_wh,energy_cost_usdc,net_usdc,reconcile,reconcile_message');
    expect(csv.csv.split('\r\n')[1]).toBe('1970-01-01T00:00:00.000Z,s,sandbox,"l,1",1,R,1.000000,600,50,0.007500,0.992500,ok,');
  });
});
