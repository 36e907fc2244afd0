// `npm run bench -- verify`: payment verifications per second against a sandbox chain that
// holds 10,000 payment transactions (target ≥ 2,000/s).
//
// Setup: 10,000 lease payments (checked USDC transfer + reference key + memo, built by the
// payment builder) from one renter to 20 suppliers, executed on the sandbox chain in this
// process. The chain is then stopped and started again as its own process
// (`npm run sandbox-chain`) on the same data dir — so the run also shows the 10,000
// transactions surviving a restart — and the bench talks to it over loopback JSON-RPC
// like a worker talks to an RPC node.
//
// Ours: PaymentVerifier.verify for every payment (getTransaction through @solana/kit +
// every check + the credited-signature lookup in a real ledger.db), CONCURRENCY in flight.
// Baseline (same run, same signatures, same client, same concurrency): the raw
// getTransaction calls alone, without any checks. The ratio says what the checks cost.
// Each is run ROUNDS times, alternating, and the medians are compared.
// BENCH_TRANSACTIONS overrides the 10,000.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateKeyPairSigner, getAddressDecoder, getSignatureFromTransaction, getTransactionEncoder } from '@solana/kit';
import type { KeyPairSigner, Signature } from '@solana/kit';
import { formatPaymentMemo } from '../common/money/payment-memo';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { openLedgerDb } from '../main/ledger/ledger-db';
import { ChainClient } from '../solana/rpc/chain-client';
import { CreditedPayments } from '../main/wallet/credited-payments';
import { buildPaymentInstructions, signInstructions } from '../solana/payments/payment-builder';
import type { PaymentRequest } from '../solana/payments/payment-builder';
import { PaymentVerifier } from '../solana/payments/payment-verifier';
import type { ChainReader, ExpectedPayment } from '../solana/payments/payment-verifier';
import { USDC } from '../common/money/token-registry';
import { silentLogger } from '../common/logger';

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 10_000);
if (!Number.isInteger(TRANSACTIONS) || TRANSACTIONS < 1) throw new Error(`BENCH_TRANSACTIONS must be a positive whole number (got ${process.env.BENCH_TRANSACTIONS})`);
const SUPPLIERS = 20;
const CONCURRENCY = 32;
const ROUNDS = 3;
const TARGET_PER_S = 2000;
const root = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-verify-'));
const chainDir = join(dir, 'chain');
const addressDecoder = getAddressDecoder();

async function setUp(): Promise<{ expected: ExpectedPayment[]; setupPerS: number }> {
  const server = new SandboxChainServer({ logger: silentLogger, dataDir: chainDir, slotIntervalMs: 0 });
  await server.start();
  const chain = server.chain;
  const renter = await generateKeyPairSigner();
  await chain.faucet(renter.address, { lamports: 1_000n * 1_000_000_000n, usdc: 1_000_000n * 1_000_000n });
  const suppliers: KeyPairSigner[] = [];
  for (let i = 0; i < SUPPLIERS; i++) suppliers.push(await generateKeyPairSigner());

  const expected: ExpectedPayment[] = [];
  const encoder = getTransactionEncoder();
  const started = performance.now();
  let lifetime = chain.latestBlockhash();
  for (let i = 0; i < TRANSACTIONS; i++) {
    // A blockhash lives 150 slots and each payment takes a slot here: refresh well before.
    if (i % 100 === 0) lifetime = chain.latestBlockhash();
    const request: PaymentRequest = {
      recipient: (suppliers[i % SUPPLIERS] as KeyPairSigner).address,
      mint: chain.usdcMint,
      token: USDC,
      amount: 1_000_000n + BigInt(i),
      reference: addressDecoder.decode(randomBytes(32)),
      leaseId: `lease-${i % 500}`,
      increment: Math.floor(i / 500),
      memo: formatPaymentMemo('bench-hub', `lease-${i % 500}`, Math.floor(i / 500)),
    };
    const tx = await signInstructions(renter, { blockhash: lifetime.blockhash as never, lastValidBlockHeight: lifetime.lastValidBlockHeight }, await buildPaymentInstructions(renter, request));
    await chain.submit(new Uint8Array(encoder.encode(tx)), { skipPreflight: true });
    expected.push({
      signature: getSignatureFromTransaction(tx),
      recipient: request.recipient,
      mint: request.mint,
      amount: request.amount,
      reference: request.reference,
      memo: request.memo,
    });
  }
  const setupPerS = TRANSACTIONS / ((performance.now() - started) / 1000);
  await server.stop();
  return { expected, setupPerS };
}

/** The chain as its own process, like an RPC node the app talks to. */
async function startChainProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'hub/chain/sandbox-chain-cli.ts'), '--port', '0', '--data-dir', chainDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Sandbox chain: (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`sandbox chain exited with ${code} before listening:\n${out}`)));
  });
  return { child, url };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Runs `task` over all items with `CONCURRENCY` in flight; returns items per second. */
async function throughput<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return items.length / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  console.error(`[bench] executing ${TRANSACTIONS} payments on the sandbox chain…`);
  const { expected, setupPerS } = await setUp();
  const { child, url } = await startChainProcess();
  const db = openLedgerDb(join(dir, 'ledger.db'));
  try {
    const client = new ChainClient(url);
    const reader: ChainReader = {
      transaction: (s, c) => client.transaction(s, c) as ReturnType<ChainReader['transaction']>,
      signatureStatus: (s) => client.signatureStatus(s),
    };
    const verifier = new PaymentVerifier({ chain: reader, credits: new CreditedPayments(db) });

    // Warm both paths (connections, JIT) on a slice that is measured again below.
    const warm = expected.slice(0, Math.min(500, expected.length));
    await throughput(warm, async (p) => void (await client.transaction(p.signature as Signature, 'confirmed')));
    await throughput(warm, async (p) => void (await verifier.verify(p)));

    // Alternate the two, ROUNDS times each, and take each one's median: these machines
    // are shared, and a burst of someone else's work should not decide the ratio.
    let missing = 0;
    let rejected = 0;
    const baselineRuns: number[] = [];
    const verifyRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      console.error(`[bench] round ${round + 1}/${ROUNDS}: raw getTransaction, then PaymentVerifier.verify…`);
      baselineRuns.push(
        await throughput(expected, async (p) => {
          if (!(await client.transaction(p.signature as Signature, 'confirmed'))) missing++;
        }),
      );
      verifyRuns.push(
        await throughput(expected, async (p) => {
          if (!(await verifier.verify(p)).ok) rejected++;
        }),
      );
    }
    const baselinePerS = median(baselineRuns);
    const verifyPerS = median(verifyRuns);
    if (missing > 0 || rejected > 0) throw new Error(`${missing} transactions missing and ${rejected} payments rejected after the restart; expected none.`);

    // Crediting writes one fsync'd row per payment (synchronous=FULL); reported, not the target.
    const creditSlice = expected.slice(0, Math.min(2_000, expected.length));
    const creditPerS = await throughput(creditSlice, async (p) => {
      const result = await verifier.verifyAndCredit(p, { network: 'sandbox', leaseId: 'bench', increment: 0 });
      if (!result.ok) rejected++;
    });
    if (rejected > 0) throw new Error(`${rejected} payments were not credited.`);

    const result = {
      bench: 'verify',
      transactions: TRANSACTIONS,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
      verifications_per_s: Math.round(verifyPerS),
      baseline_get_transaction_per_s: Math.round(baselinePerS),
      verify_runs_per_s: verifyRuns.map(Math.round),
      baseline_runs_per_s: baselineRuns.map(Math.round),
      ratio_vs_raw_get_transaction: Number((verifyPerS / baselinePerS).toFixed(3)),
      verify_and_credit_per_s: Math.round(creditPerS),
      setup_payments_executed_per_s: Math.round(setupPerS),
      target_verifications_per_s: TARGET_PER_S,
      meets_target: verifyPerS >= TARGET_PER_S,
    };
    console.log(JSON.stringify(result));
  } finally {
    db.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});

