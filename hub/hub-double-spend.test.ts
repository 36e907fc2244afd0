import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountRole } from '@solana/kit';
import type { Address, Instruction } from '@solana/kit';
import { HubHttpClient } from '../hub-client/hub-http-client';
import type { IncrementPayment, Quote } from '../common/hub/lease-types';
import { USDC } from '../common/money/token-registry';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { buildTokenTransferInstructions, memoInstruction } from '../solana/payments/payment-builder';
import { ChainPaymentCheck } from './payments/chain-payment-check';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { SandboxPayer } from './testing/sandbox-payer';
import { startTestHub } from './testing/test-hub';
import type { TestHub } from './testing/test-hub';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import { refusal } from './testing/refusal';
import { testLogger } from './testing/test-logger';

// Issue 13's double-spend, replayed: two real hubs on loopback share one sandbox chain;
// one supplier wallet offers a machine on each. The renter makes ONE SPL transfer that
// carries both leases' references and both memos and presents it to both hubs. Before the
// fix each hub (and each machine) read the supplier's net balance change, found its own
// reference and its own memo among several, and credited it: one payment, two leases.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'] };

describe('one payment pays one increment of one lease (two hubs sharing a chain)', () => {
  let dir: string;
  let chain: SandboxChainServer;
  let hubs: TestHub[] = [];
  let workers: WorkerHandle[] = [];
  let payer: SandboxPayer;
  let clients: HubHttpClient[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-double-spend-'));
    chain = new SandboxChainServer({ logger: testLogger, dataDir: dir, slotIntervalMs: 0 });
    await chain.start();
    const mint = chain.chain.usdcMint;
    const payments = ChainPaymentCheck.forRpc(chain.url);
    hubs = await Promise.all(
      [0, 1].map(() => startTestHub({ chain: { network: 'sandbox', mint, rpcUrl: chain.url, payments }, timing: { incrementMs: 10_000, graceMs: 2_000, reservationTtlMs: 60_000, heartbeatIntervalMs: 500, tickMs: 100 } })),
    );
    // One owner, one wallet, a machine on each hub: both leases pay the same address.
    const walletHex = createTestWallet().privateKeyHex;
    workers = await Promise.all(
      hubs.map((hub, i) => {
        const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, `double-${i}`);
        return WorkerHandle.start({ hubUrl: hub.url, walletHex, machineId: `machine-double-${i}-0001`, hardware: hardware(rig), region: 'eu-west', offers: [offerTerms(rig.map((g) => g.uuid), '360000')], verifyOnRpc: chain.url });
      }),
    );
    payer = await SandboxPayer.create(chain.url, mint);
    clients = hubs.map((hub) => new HubHttpClient({ baseUrl: hub.url }));
    for (const client of clients) await client.signIn(payer.address, payer.signMessage);
  }, 60_000);

  afterAll(async () => {
    await killAllWorkers();
    for (const hub of hubs) await hub.stop();
    await chain?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const quote = (client: HubHttpClient): Promise<Quote> => client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 10_000 });

  /** One checked transfer of `amount` to the payee, with the extra reference keys appended and the memos after it. */
  async function transfer(payee: string, amount: bigint, references: string[], memos: string[]): Promise<string> {
    const [create, pay] = await buildTokenTransferInstructions(payer.signer, { recipient: payee as Address, mint: payer.mint, decimals: USDC.decimals, amount });
    const withReferences: Instruction = { ...pay!, accounts: [...pay!.accounts!, ...references.map((address) => ({ address: address as Address, role: AccountRole.READONLY }))] };
    return payer.send([create!, withReferences, ...memos.map((m) => memoInstruction(m))]);
  }

  it('names the hub in every memo, so the two hubs expect different memos', async () => {
    const [a, b] = await Promise.all(clients.map((c) => c.info()));
    expect(a!.hubId).not.toBe(b!.hubId);
    const [qa, qb] = await Promise.all(clients.map(quote));
    expect(qa!.firstIncrement.payments[0]!.memo).toMatch(new RegExp(`^idlegrid:${a!.hubId.replace(/\./g, '\\.')}:${qa!.leaseId}:0$`));
    expect(qb!.firstIncrement.payments[0]!.memo).toMatch(new RegExp(`^idlegrid:${b!.hubId.replace(/\./g, '\\.')}:${qb!.leaseId}:0$`));
    await Promise.all(clients.map((c, i) => c.terminate([qa, qb][i]!.leaseId)));
  });

  it('refuses one transfer carrying two references and two memos at both hubs, and neither machine hears of it', async () => {
    const [qa, qb] = await Promise.all(clients.map(quote));
    const pa: IncrementPayment = qa!.firstIncrement.payments[0]!;
    const pb: IncrementPayment = qb!.firstIncrement.payments[0]!;
    expect(pa.payee).toBe(pb.payee);
    const signature = await transfer(pa.payee, BigInt(pa.amount), [pa.reference, pb.reference], [pa.memo, pb.memo]);

    const atA = await refusal(clients[0]!.submitPayment(qa!.leaseId, { increment: 0, payee: pa.payee, signature }));
    const atB = await refusal(clients[1]!.submitPayment(qb!.leaseId, { increment: 0, payee: pb.payee, signature }));
    for (const r of [atA, atB]) {
      expect(r.code).toBe('payment_rejected');
      expect(['reference_not_unique', 'memo_not_unique']).toContain(r.reason);
    }
    // The same with the second reference hidden on another instruction: one memo too many.
    const hidden = await transfer(pa.payee, BigInt(pa.amount), [pa.reference], [pa.memo, pb.memo]);
    expect((await refusal(clients[0]!.submitPayment(qa!.leaseId, { increment: 0, payee: pa.payee, signature: hidden }))).reason).toBe('memo_not_unique');
    expect((await refusal(clients[1]!.submitPayment(qb!.leaseId, { increment: 0, payee: pb.payee, signature: hidden }))).reason).toMatch(/missing_reference|memo_not_unique/);

    expect((await clients[0]!.lease(qa!.leaseId)).state).toBe('reserved');
    expect((await clients[1]!.lease(qb!.leaseId)).state).toBe('reserved');
    for (const w of workers) expect(w.hubMessages().some((m) => m.type === 'lease.paid')).toBe(false);

    // An honest payment for each lease still goes through.
    for (const [i, q] of [qa!, qb!].entries()) {
      const p = q.firstIncrement.payments[0]!;
      const good = await payer.pay(q.leaseId, 0, p);
      expect((await clients[i]!.submitPayment(q.leaseId, { increment: 0, payee: p.payee, signature: good })).incrementPaid).toBe(true);
      expect(await workers[i]!.waitFor((r) => r.event === 'verified' && r.leaseId === q.leaseId)).toMatchObject({ ok: true });
    }
    await Promise.all(clients.map((c, i) => c.terminate([qa, qb][i]!.leaseId)));
  }, 60_000);

  it('counts the amount of the transfer instruction to the payee, not what else the transaction moved', async () => {
    const [qa] = await Promise.all([quote(clients[0]!)]);
    const pa = qa!.firstIncrement.payments[0]!;
    // Half paid by the instruction that carries the reference; the other half by a second transfer.
    const half = BigInt(pa.amount) / 2n;
    const [create, first] = await buildTokenTransferInstructions(payer.signer, { recipient: pa.payee as Address, mint: payer.mint, decimals: USDC.decimals, amount: half, reference: pa.reference as Address });
    const [, second] = await buildTokenTransferInstructions(payer.signer, { recipient: pa.payee as Address, mint: payer.mint, decimals: USDC.decimals, amount: BigInt(pa.amount) - half });
    const signature = await payer.send([create!, first!, second!, memoInstruction(pa.memo)]);
    const r = await refusal(clients[0]!.submitPayment(qa!.leaseId, { increment: 0, payee: pa.payee, signature }));
    expect([r.code, r.reason]).toEqual(['payment_rejected', 'transfer_not_unique']);
    await clients[0]!.terminate(qa!.leaseId);
  }, 30_000);
});
