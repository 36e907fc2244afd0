import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { RenterAccessClient } from '../../hub-client/renter-access-client';
import { WorkerAccessClient } from '../../hub-client/worker-access-client';
import type { IncomingAccess } from '../../hub-client/worker-access-client';
import { WorkerClient } from '../../hub-client/worker-client';
import { ChainPaymentCheck } from '../payments/chain-payment-check';
import { gpus, hardware, MODELS, offerTerms } from './market-fixtures';
import { SandboxPayer } from './sandbox-payer';
import { startTestHub } from './test-hub';
import { testLogger } from './test-logger';
import { createTestWallet } from './test-wallet';
import { SandboxChainServer } from '../../solana/sandbox/sandbox-chain-server';

/**
 * The access path of issue 12 on loopback, for the `forward` and `terminal` benchmarks and
 * tests of the renter's side: a
 * real hub over its sandbox chain, a running lease paid with real SPL transfers, the
 * supplier's access socket and the renter's. The node's side stands in for Docker: a
 * forward connects to a TCP port on 127.0.0.1 (the container's port), a terminal echoes
 * what it is sent (a TTY's echo), so the figures are the relay's own cost.
 */
export interface AccessRig {
  renter: RenterAccessClient;
  leaseId: string;
  /** Stops everything it started and removes the chain's data dir. */
  stop(): Promise<void>;
}

function serveOnNode(incoming: IncomingAccess): void {
  const { request } = incoming.signed;
  const stream = incoming.stream;
  stream.on('error', () => undefined);
  if (request.kind === 'terminal') {
    incoming.accept();
    stream.pipe(stream);
    return;
  }
  const socket = connect({ host: '127.0.0.1', port: request.port ?? 0 });
  socket.once('connect', () => {
    socket.setNoDelay(true);
    incoming.accept();
    stream.pipe(socket);
    socket.pipe(stream);
  });
  socket.on('error', () => incoming.refuse('unavailable', 'nothing listens there'));
  stream.on('close', () => socket.destroy());
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startAccessRig(): Promise<AccessRig> {
  const chainDir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-access-'));
  const chain = new SandboxChainServer({ logger: testLogger, dataDir: chainDir, slotIntervalMs: 0 });
  await chain.start();
  const hub = await startTestHub({ chain: { network: 'sandbox', mint: chain.chain.usdcMint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) }, timing: { heartbeatIntervalMs: 5_000, tickMs: 200 } });
  const supplier = createTestWallet();
  const supplierHttp = new HubHttpClient({ baseUrl: hub.url });
  const workerToken = async () => supplierHttp.token ?? (await supplierHttp.signIn(supplier.address, (m) => supplier.signMessage(m), 'worker')).token;
  const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, 'bench-access');
  const worker = new WorkerClient({ hubUrl: hub.url, token: workerToken, machineId: 'machine-bench-access', hardware: hardware(rig), region: 'eu-west' });
  worker.on('message', (m) => {
    if (m.type === 'lease.paid' && m.increment === 0) {
      worker.reportNode(m.leaseId, 'pulling');
      worker.reportNode(m.leaseId, 'running');
    }
  });
  const welcome = await worker.start();
  await worker.publishOffer(offerTerms(rig.map((g) => g.uuid), '360000'));
  const access = new WorkerAccessClient({ hubUrl: hub.url, token: workerToken, workerId: welcome.workerId, onOpen: serveOnNode });
  access.start();
  await until(() => access.connected, 'the worker access socket');
  const payer = await SandboxPayer.create(chain.url, chain.chain.usdcMint);
  const http = new HubHttpClient({ baseUrl: hub.url });
  await http.signIn(payer.address, payer.signMessage);
  const quote = await http.quote({ gpuCount: 1, job: { image: 'bench/none:1', command: ['true'] }, durationMs: 3_600_000 });
  for (const p of quote.firstIncrement.payments) await http.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature: await payer.pay(quote.leaseId, 0, p) });
  await until(async () => (await http.lease(quote.leaseId)).state === 'running', 'the lease to run');
  const renter = new RenterAccessClient({ hubUrl: hub.url, token: async () => http.token!, address: payer.address, sign: payer.signMessage });
  return {
    renter,
    leaseId: quote.leaseId,
    async stop() {
      renter.dispose();
      access.stop();
      worker.stop();
      await hub.stop();
      await chain.stop();
      rmSync(chainDir, { recursive: true, force: true });
    },
  };
}
