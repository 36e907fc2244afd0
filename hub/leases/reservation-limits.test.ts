import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubError } from '../../common/hub/hub-errors';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { gpus, hardware, MODELS, offerTerms } from '../testing/market-fixtures';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { createTestWallet } from '../testing/test-wallet';
import { HUB_PROTOCOL_VERSION, HUB_WORKER_WS_PATH } from '../../common/hub/hub-protocol';
import { RawSocket } from '../testing/raw-socket';

// Issue 14.4, replayed on the real hub on loopback: quotes hold GPUs for free, identities
// are free, so one caller used to hold every free GPU and an honest renter got no_capacity.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'echo hi'] };
const one = { gpuCount: 1, constraints: {}, job, durationMs: 600_000 };

async function signedIn(hub: TestHub, audience: 'renter' | 'worker' = 'renter'): Promise<HubHttpClient> {
  const wallet = createTestWallet();
  const client = new HubHttpClient({ baseUrl: hub.url });
  await client.signIn(wallet.address, wallet.signMessage, audience);
  return client;
}

/** fetch from another loopback source address (127.0.0.0/8 is all loopback on Linux): another "renter's machine". */
function fetchFrom(localAddress: string): typeof fetch {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input));
      const req = request(url, { method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, localAddress, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks).toString('utf8'), { status: res.statusCode ?? 500 })));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      if (init?.body) req.write(String(init.body));
      req.end();
    });
}

/** Quotes as many GPUs as it can, biggest clusters first (bounded: at most `max` quotes); returns the GPUs held. */
async function grab(client: HubHttpClient, max: number): Promise<{ held: number; refusal: HubError | null }> {
  let held = 0;
  let refusal: HubError | null = null;
  let quotes = 0;
  for (const size of [8, 4, 2, 1]) {
    while (quotes < max) {
      try {
        const quote = await client.quote({ ...one, gpuCount: size });
        held += quote.placement.gpuCount;
        quotes += 1;
      } catch (error) {
        refusal = error as HubError;
        break;
      }
    }
  }
  return { held, refusal };
}

describe('reservation limits (issue 14.4)', () => {
  let hub: TestHub;
  const sockets: RawSocket[] = [];
  const machines: Array<{ gpus: number }> = [{ gpus: 8 }, { gpus: 4 }, { gpus: 2 }, { gpus: 1 }];
  const totalGpus = machines.reduce((n, m) => n + m.gpus, 0);

  beforeAll(async () => {
    // The production defaults for reservations (startTestHub relaxes the machine share).
    hub = await startTestHub({
      // Raw sockets send no heartbeats: a long interval keeps them online for the test.
      timing: { heartbeatIntervalMs: 60_000, reservationTtlMs: 120_000, tickMs: 100 },
      limits: { maxReservationsPerRenter: 10, maxReservationsPerAddress: 6, maxReservedGpusPerAddress: 6, unpaidMachineShare: 0.5 },
    });
    for (const [i, m] of machines.entries()) {
      const rig = gpus(MODELS.rtx4090.name, m.gpus, MODELS.rtx4090.vramMiB, `res-${i}`);
      const supplier = await signedIn(hub, 'worker');
      const socket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
      sockets.push(socket);
      socket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: supplier.token, machineId: `machine-res-${i}-01`, hardware: hardware(rig), region: 'eu-west' });
      await socket.next((msg) => msg.type === 'welcome');
      socket.send({ type: 'offer.publish', ref: `o${i}`, terms: offerTerms(rig.map((g) => g.uuid), '400000') });
      await socket.next((msg) => msg.type === 'offer.published');
    }
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await hub?.stop();
  });

  it('one throwaway identity cannot hold every free GPU', async () => {
    const thief = await signedIn(hub);
    const { held, refusal } = await grab(thief, totalGpus);
    expect(held).toBeLessThan(totalGpus);
    expect(refusal?.reason).toMatch(/too_many_reservations|address_reservation_limit/);
  });

  it('many throwaway identities from one address cannot either, and an honest renter still gets capacity', async () => {
    let held = 0;
    for (let i = 0; i < totalGpus; i++) held += (await grab(await signedIn(hub), totalGpus)).held;
    expect(held).toBeLessThan(totalGpus);
    // The machine share: unpaid reservations never hold more than half of any machine.
    const free = (await new HubHttpClient({ baseUrl: hub.url }).searchOffers()).offers;
    expect(free.reduce((n, o) => n + o.freeGpus, 0)).toBeGreaterThan(0);
  });

  it('an honest renter from another address still gets a GPU', async () => {
    const honest = new HubHttpClient({ baseUrl: hub.url, fetch: fetchFrom('127.0.0.2') });
    const wallet = createTestWallet();
    await honest.signIn(wallet.address, wallet.signMessage);
    const quote = await honest.quote(one);
    expect(quote.placement.gpuCount).toBe(1);
  });
});
