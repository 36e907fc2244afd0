import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBase58Decoder } from '@solana/kit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HUB_PROTOCOL_VERSION, HUB_WORKER_WS_PATH } from '../../common/hub/hub-protocol';
import { gpuReleaseMessage } from '../../common/hub/gpu-release';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { gpus, hardware, MODELS, offerTerms } from '../testing/market-fixtures';
import { RawSocket } from '../testing/raw-socket';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { createTestWallet } from '../testing/test-wallet';
import type { TestWallet } from '../testing/test-wallet';

// Issue 14.3, replayed on the real hub on loopback: a renter learns a supplier's GPU UUIDs
// from a free quote, registers them from its own machine while the supplier is offline,
// and the supplier's offers used to be withdrawn when it came back.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'echo hi'] };
const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-gpu-identity-'));
const sockets: RawSocket[] = [];
let hub: TestHub | null = null;

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await hub?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(wallet: TestWallet, audience: 'renter' | 'worker' = 'renter'): Promise<HubHttpClient> {
  const client = new HubHttpClient({ baseUrl: hub!.url });
  await client.signIn(wallet.address, wallet.signMessage, audience);
  return client;
}

/** A worker socket's hello; resolves with the hub's welcome. */
async function hello(wallet: TestWallet, machineId: string, rig: ReturnType<typeof gpus>, extra: Record<string, unknown> = {}) {
  const client = await signedIn(wallet, 'worker');
  const socket = await RawSocket.open(hub!.url, HUB_WORKER_WS_PATH);
  sockets.push(socket);
  socket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: client.token, machineId, hardware: hardware(rig), region: 'eu-west', ...extra });
  const welcome = (await socket.next((m) => m.type === 'welcome')) as { workerId: string; offers: Array<{ offerId: string }>; hardwareCheck: { passed: boolean; problems: string[] } };
  return { socket, welcome };
}

async function offline(socket: RawSocket): Promise<void> {
  socket.close();
  await socket.waitClosed();
  // The hub handles the close on its next turn; give it a moment (bounded).
  await new Promise((r) => setTimeout(r, 100));
}

describe('GPU identity (issue 14.3)', () => {
  const supplier = createTestWallet();
  const thief = createTestWallet();
  const rig = gpus(MODELS.rtx4090.name, 2, MODELS.rtx4090.vramMiB, `victim-${supplier.address.slice(0, 6)}`);
  let offerId = '';

  it('shows renters per-lease opaque GPU ids, never UUIDs (quote, lease, explorer)', async () => {
    hub = await startTestHub({ dataDir, timing: { heartbeatIntervalMs: 60_000, reservationTtlMs: 120_000, tickMs: 100 } });
    const { socket } = await hello(supplier, 'machine-victim-01', rig);
    socket.send({ type: 'offer.publish', ref: 'o1', terms: offerTerms(rig.map((g) => g.uuid), '400000') });
    offerId = String(((await socket.next((m) => m.type === 'offer.published')) as { offer: { offerId: string } }).offer.offerId);

    const renter = await signedIn(createTestWallet());
    const quote = await renter.quote({ gpuCount: 2, constraints: {}, job, durationMs: 600_000 });
    const lease = await renter.lease(quote.leaseId);
    const explorer = await fetch(`${hub.url}/v1/explorer`).then((r) => r.text());
    for (const seen of [JSON.stringify(quote), JSON.stringify(lease), JSON.stringify(await renter.leases()), explorer]) {
      for (const gpu of rig) expect(seen).not.toContain(gpu.uuid);
    }
    const ids = quote.placement.nodes[0]!.gpuIds;
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(lease.placement.nodes[0]!.gpuIds).toEqual(ids);
    // The worker itself still gets its exact GPUs.
    const assigned = (await socket.next((m) => m.type === 'lease.assigned')) as { lease: { gpuUuids: string[] } };
    expect([...assigned.lease.gpuUuids].sort()).toEqual(rig.map((g) => g.uuid).sort());
    // Another lease on the same GPUs gets other ids: ids do not link leases to a machine.
    await renter.terminate(quote.leaseId);
    const again = await renter.quote({ gpuCount: 2, constraints: {}, job, durationMs: 600_000 });
    expect(again.placement.nodes[0]!.gpuIds.some((id) => ids.includes(id))).toBe(false);
    await renter.terminate(again.leaseId);
    await offline(socket);
  });

  it('refuses another owner registering those UUIDs while the supplier is offline, and the supplier keeps its offers', async () => {
    const { socket: stolen, welcome: thiefWelcome } = await hello(thief, 'machine-thief-01', rig);
    expect(thiefWelcome.hardwareCheck.passed).toBe(false);
    expect(thiefWelcome.hardwareCheck.problems.join('\n')).toMatch(/bound to another owner/);
    stolen.send({ type: 'offer.publish', ref: 't1', terms: offerTerms(rig.map((g) => g.uuid), '1') });
    expect(await stolen.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' });

    // The thief stays online; the supplier comes back: nothing of its is withdrawn.
    const { welcome } = await hello(supplier, 'machine-victim-01', rig);
    expect(welcome.hardwareCheck).toEqual({ passed: true, problems: [] });
    expect(welcome.offers.map((o) => o.offerId)).toEqual([offerId]);
    const listed = await new HubHttpClient({ baseUrl: hub!.url }).searchOffers();
    expect(listed.offers.map((o) => [o.offerId, o.freeGpus])).toEqual([[offerId, 2]]);
  });

  it('keeps the binding across a hub restart (durable), so the takeover fails on a fresh hub too', async () => {
    for (const s of sockets.splice(0)) s.close();
    await hub!.stop();
    hub = await startTestHub({ dataDir, timing: { heartbeatIntervalMs: 60_000, reservationTtlMs: 120_000, tickMs: 100 } });
    const { welcome: thiefWelcome } = await hello(thief, 'machine-thief-01', rig);
    expect(thiefWelcome.hardwareCheck.passed).toBe(false);
    const { welcome } = await hello(supplier, 'machine-victim-01', rig);
    expect(welcome.hardwareCheck.passed).toBe(true);
    expect(welcome.offers.map((o) => o.offerId)).toEqual([offerId]);
  });

  it('moves a GPU to another owner only with a release signed by the owner it is bound to', async () => {
    for (const s of sockets.splice(0)) s.close();
    await new Promise((r) => setTimeout(r, 100));
    const buyer = createTestWallet();
    const base58 = getBase58Decoder();
    const release = async (signer: TestWallet, uuid: string) => ({ uuid, signature: base58.decode(await signer.signMessage(new TextEncoder().encode(gpuReleaseMessage(uuid, buyer.address)))) });
    // Signed by the wrong wallet (the thief's): refused.
    const forged = await hello(buyer, 'machine-buyer-01', rig, { gpuReleases: await Promise.all(rig.map((g) => release(thief, g.uuid))) });
    expect(forged.welcome.hardwareCheck.passed).toBe(false);
    forged.socket.close();
    await forged.socket.waitClosed();
    const moved = await hello(buyer, 'machine-buyer-01', rig, { gpuReleases: await Promise.all(rig.map((g) => release(supplier, g.uuid))) });
    expect(moved.welcome.hardwareCheck).toEqual({ passed: true, problems: [] });
    await offline(moved.socket);
    // Now the former owner is the one refused.
    const { welcome } = await hello(supplier, 'machine-victim-01', rig);
    expect(welcome.hardwareCheck.problems.join('\n')).toMatch(/bound to another owner/);
  });
});
