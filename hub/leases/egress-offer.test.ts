import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubError } from '../../common/hub/hub-errors';
import { nodeCostForIncrement } from '../../common/hub/base-units';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { gpus, hardware, MODELS, offerTerms } from '../testing/market-fixtures';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { createTestWallet } from '../testing/test-wallet';
import { HUB_PROTOCOL_VERSION, HUB_WORKER_WS_PATH } from '../../common/hub/hub-protocol';
import { RawSocket } from '../testing/raw-socket';

// Issue 11: internet egress is a priced option of an offer. The real hub on loopback places a
// job that asks for it only on offers that sell it, and adds the price to the increments.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'echo hi'] };
const EGRESS_PRICE = '60000';

async function signedIn(hub: TestHub, audience: 'renter' | 'worker' = 'renter'): Promise<HubHttpClient> {
  const wallet = createTestWallet();
  const client = new HubHttpClient({ baseUrl: hub.url });
  await client.signIn(wallet.address, wallet.signMessage, audience);
  return client;
}

describe('egress as a priced offer option (issue 11)', () => {
  let hub: TestHub;
  const sockets: RawSocket[] = [];
  let egressSocket: RawSocket;

  beforeAll(async () => {
    hub = await startTestHub({ timing: { heartbeatIntervalMs: 60_000, tickMs: 100 } });
    // A cheap machine without egress, a dearer one that sells it.
    const machines = [
      { name: 'plain', price: '400000', extra: {} },
      { name: 'net', price: '500000', extra: { egressPricePerHour: EGRESS_PRICE } },
    ];
    for (const m of machines) {
      const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, `egress-${m.name}`);
      const supplier = await signedIn(hub, 'worker');
      const socket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
      sockets.push(socket);
      if (m.name === 'net') egressSocket = socket;
      socket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: supplier.token, machineId: `machine-egress-${m.name}-01`, hardware: hardware(rig), region: 'eu-west' });
      await socket.next((msg) => msg.type === 'welcome');
      socket.send({ type: 'offer.publish', ref: m.name, terms: offerTerms(rig.map((g) => g.uuid), m.price, m.extra) });
      await socket.next((msg) => msg.type === 'offer.published');
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await hub?.stop();
  });

  it('the search shows which offers sell egress, and at what price', async () => {
    const { offers } = await new HubHttpClient({ baseUrl: hub.url }).searchOffers();
    expect(offers.map((o) => [o.pricePerGpuHour, o.egressPricePerHour]).sort()).toEqual([['400000', undefined], ['500000', EGRESS_PRICE]]);
  });

  it('attack: a renter cannot get egress on machines that do not sell it; refused with the reason', async () => {
    const renter = await signedIn(hub);
    // Two GPUs with egress: only one machine sells it, so no placement, and the refusal says why.
    const refusal = await renter.quote({ gpuCount: 2, constraints: {}, job: { ...job, egress: true }, durationMs: 600_000 }).then(
      () => null,
      (error: unknown) => error as HubError,
    );
    expect(refusal?.reason).toBe('no_matching_gpus');
    expect(refusal?.message).toMatch(/internet access: only machines whose owners offer egress/);
  });

  it('places an egress job on the offer that sells it and adds the price to every increment', async () => {
    const renter = await signedIn(hub);
    const quote = await renter.quote({ gpuCount: 1, constraints: {}, job: { ...job, egress: true }, durationMs: 3 * 600_000 });
    const node = quote.placement.nodes[0]!;
    expect(node.pricePerGpuHour).toBe('500000');
    expect(node.egressPricePerHour).toBe(EGRESS_PRICE);
    const gpuOnly = nodeCostForIncrement({ pricePerGpuHour: '500000', gpuCount: 1 }, quote.incrementMs, 0);
    const withEgress = nodeCostForIncrement({ pricePerGpuHour: '500000', gpuCount: 1, egressPricePerHour: EGRESS_PRICE }, quote.incrementMs, 0);
    expect(withEgress).toBeGreaterThan(gpuOnly);
    expect(quote.perIncrement.total).toBe(withEgress.toString());
    // The machine is told it sells egress on this lease, and at what price.
    const assigned = await egressSocket.next((msg) => msg.type === 'lease.assigned' && (msg.lease as { leaseId: string }).leaseId === quote.leaseId);
    expect(assigned.lease).toMatchObject({ egressPricePerHour: EGRESS_PRICE, job: { egress: true } });
    // Stored with the lease (placement JSON), so a restarted hub and every extension charge it too.
    const stored = await hub.store.getLease(quote.leaseId);
    expect(stored?.placement.nodes[0]?.egressPricePerHour).toBe(EGRESS_PRICE);
    expect(stored?.payments.filter((p) => p.increment === 2)[0]?.amount).toBe(nodeCostForIncrement({ pricePerGpuHour: '500000', gpuCount: 1, egressPricePerHour: EGRESS_PRICE }, quote.incrementMs, 2));
  });

  it('a job without egress goes to the cheaper machine and pays no egress', async () => {
    const renter = await signedIn(hub);
    const quote = await renter.quote({ gpuCount: 1, constraints: {}, job, durationMs: 600_000 });
    const node = quote.placement.nodes[0]!;
    expect(node.pricePerGpuHour).toBe('400000');
    expect(node.egressPricePerHour).toBeUndefined();
    expect(quote.perIncrement.total).toBe(nodeCostForIncrement({ pricePerGpuHour: '400000', gpuCount: 1 }, quote.incrementMs, 0).toString());
  });
});
