import { HubHttpClient } from '../../hub-client/hub-http-client';
import type { OfferTermsInput, WorkerHardware } from '../../common/hub/market-types';
import type { HubToWorkerMessage } from '../../common/hub/worker-messages';
import type { WorkerLease } from '../../common/hub/worker-messages';
import { WorkerClient } from '../../hub-client/worker-client';
import { ChainPaymentCheck } from '../payments/chain-payment-check';
import { testWalletFromHex } from './test-wallet';
import { errorText } from '../../common/errors';
import { createHash } from 'node:crypto';
import { InProcessAttestationChannel } from '../../common/attestation/in-process-channel';
import { InProcessProver } from '../../common/attestation/attestation-prover';

/**
 * A worker as its own process, for the hub's integration tests: signs in with the wallet
 * it is given, connects, publishes its offers and then does what a supplier's app does
 * with a lease — on `lease.paid` it reports pulling and running; on `lease.stop` it stops.
 * Everything the hub sends is forwarded to the parent over IPC, and the parent can make it
 * report node states, send logs or raw frames, drop its connection, or exit.
 *
 * Started with child_process.fork and `--import tsx`; its config is JSON in argv[2].
 */
export interface WorkerProcessConfig {
  hubUrl: string;
  /** Other instances of the hub to fail over to (WorkerClient's otherHubUrls). */
  otherHubUrls?: string[];
  walletHex: string;
  machineId: string;
  hardware: WorkerHardware;
  region: string;
  offers: OfferTermsInput[];
  /** Start leases on lease.paid without being told (default true). */
  autoRun?: boolean;
  /**
   * Verify each payment on this chain before starting or continuing, as a supplier's app
   * does (the hub's word is not enough: the worker checks that it was paid itself).
   */
  verifyOnRpc?: string;
  /**
   * How this machine answers a reserved lease's GPU check, in-process (the Sandbox's
   * stand-in): 'honest' (default); 'wrong-rows', a fake supplier that commits to and opens
   * a product it did not compute (every row off by one); 'silent', no answer at all.
   */
  attestation?: 'honest' | 'wrong-rows' | 'silent';
}

export type WorkerCommand =
  | { cmd: 'node'; leaseId: string; state: 'pulling' | 'running' | 'exited' | 'failed'; exitCode?: number; message?: string; cause?: 'job' | 'supplier' }
  | { cmd: 'log'; leaseId: string; stream: 'stdout' | 'stderr'; text: string }
  | { cmd: 'raw'; text: string }
  | { cmd: 'drop' }
  | { cmd: 'pause-heartbeats' }
  | { cmd: 'exit' };

export type WorkerReport =
  | { event: 'ready'; workerId: string; offerIds: string[] }
  | { event: 'hub'; message: HubToWorkerMessage }
  | { event: 'disconnected'; code: number }
  | { event: 'verified'; leaseId: string; increment: number; ok: boolean; reason: string | null }
  | { event: 'fatal'; message: string };

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerProcessConfig;
const report = (r: WorkerReport) => process.send?.(r);
const wallet = testWalletFromHex(config.walletHex);
const http = new HubHttpClient({ baseUrl: config.hubUrl });
let token: string | null = null;

const client = new WorkerClient({
  hubUrl: config.hubUrl,
  ...(config.otherHubUrls ? { otherHubUrls: config.otherHubUrls } : {}),
  machineId: config.machineId,
  hardware: config.hardware,
  region: config.region,
  reconnectMinMs: 100,
  reconnectMaxMs: 1_000,
  token: async () => {
    if (!token) token = (await http.signIn(wallet.address, (m) => wallet.signMessage(m), 'worker')).token;
    return token;
  },
});

const started = new Set<string>();
const leases = new Map<string, WorkerLease>();
const paymentCheck = config.verifyOnRpc ? ChainPaymentCheck.forRpc(config.verifyOnRpc) : null;

const verified = new Set<string>();

/** Checks one of this machine's payments on chain (once per increment), then starts the lease on increment 0. */
async function onPaid(leaseId: string, payment: { increment: number; signature: string; amount: string; reference: string; memo: string }): Promise<void> {
  const key = `${leaseId}:${payment.increment}`;
  if (verified.has(key)) return;
  verified.add(key);
  if (paymentCheck) {
    const lease = leases.get(leaseId);
    const verdict = lease
      ? await paymentCheck.verify({ recipient: wallet.address, mint: lease.mint, amount: BigInt(payment.amount), reference: payment.reference, memo: payment.memo }, payment.signature)
      : { ok: false as const, reason: 'unknown_lease', message: '', retryable: false };
    report({ event: 'verified', leaseId, increment: payment.increment, ok: verdict.ok, reason: verdict.ok ? null : verdict.reason });
    if (!verdict.ok) {
      client.reportNode(leaseId, 'failed', { message: `payment for increment ${payment.increment} did not verify: ${verdict.reason}`, cause: 'job' });
      return;
    }
  }
  if (payment.increment === 0 && !started.has(leaseId)) {
    started.add(leaseId);
    client.reportNode(leaseId, 'pulling');
    client.reportNode(leaseId, 'running');
  }
}

const fatal = (error: unknown) => report({ event: 'fatal', message: errorText(error) });

/** A fake supplier's prover: consistent with its own commitment, wrong about the product. */
class WrongRowProver extends InProcessProver {
  override productRow(i: number, b: Int32Array, out: Int32Array): Int32Array {
    super.productRow(i, b, out);
    out[0] = out[0]! + 1;
    return out;
  }
}

const attestations = new Map<string, InProcessAttestationChannel>();

/** A reserved lease placed here: answer its GPU check in-process, as the Sandbox's supplier app does without the image. */
async function attest(lease: WorkerLease): Promise<void> {
  const mode = config.attestation ?? 'honest';
  if (mode === 'silent' || lease.state !== 'reserved' || attestations.has(lease.leaseId)) return;
  const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
  const channel = new InProcessAttestationChannel(
    { sha256, nowMs: () => performance.now(), pause: () => new Promise((r) => setImmediate(r)) },
    lease.gpuUuids,
    mode === 'wrong-rows' ? (sha, c, g) => new WrongRowProver(sha, c, g) : undefined,
  );
  attestations.set(lease.leaseId, channel);
  for (let i = 0; i < 3; i++) {
    const message = await channel.next(10 * 60_000);
    client.send({ type: 'lease.attest', leaseId: lease.leaseId, message });
    if (message.type === 'opening' || message.type === 'error') break;
  }
}

client.on('message', (message) => {
  report({ event: 'hub', message });
  if (message.type === 'lease.assigned') {
    leases.set(message.lease.leaseId, message.lease);
    attest(message.lease).catch(fatal);
  }
  if (message.type === 'lease.attest') attestations.get(message.leaseId)?.send(message.message);
  if (message.type === 'lease.attested' || message.type === 'lease.stop' || message.type === 'lease.paid') {
    attestations.get(message.leaseId)?.dispose();
  }
  if (message.type === 'welcome') for (const lease of message.leases) leases.set(lease.leaseId, lease);
  if (config.autoRun === false) return;
  if (message.type === 'lease.paid') onPaid(message.leaseId, message).catch(fatal);
  if (message.type === 'welcome') {
    // After a reconnect: payments made while this machine was away arrive in the welcome,
    // not as lease.paid; and the hub hears again how each kept lease is doing.
    for (const lease of message.leases) {
      if (started.has(lease.leaseId)) client.reportNode(lease.leaseId, 'running');
      for (const p of lease.payments) if (p.signature !== null && lease.startedAtMs !== null) onPaid(lease.leaseId, { ...p, signature: p.signature }).catch(fatal);
    }
  }
});
client.on('disconnected', ({ code }) => report({ event: 'disconnected', code }));

process.on('message', (command: WorkerCommand) => {
  switch (command.cmd) {
    case 'node':
      client.reportNode(command.leaseId, command.state, {
        ...(command.exitCode !== undefined ? { exitCode: command.exitCode } : {}),
        ...(command.message !== undefined ? { message: command.message } : {}),
        ...(command.cause !== undefined ? { cause: command.cause } : {}),
      });
      break;
    case 'log':
      client.sendLog(command.leaseId, command.stream, command.text);
      break;
    case 'raw':
      (client as unknown as { socket: { send(t: string): void } | null }).socket?.send(command.text);
      break;
    case 'drop':
      client.dropConnection();
      break;
    case 'pause-heartbeats':
      (client as unknown as { stopHeartbeats(): void }).stopHeartbeats();
      break;
    case 'exit':
      client.stop();
      setTimeout(() => process.exit(0), 50);
      break;
  }
});
process.on('disconnect', () => process.exit(0));

async function main(): Promise<void> {
  const welcome = await client.start();
  const offerIds = welcome.offers.map((o) => o.offerId);
  if (offerIds.length === 0) for (const terms of config.offers) offerIds.push((await client.publishOffer(terms)).offerId);
  report({ event: 'ready', workerId: welcome.workerId, offerIds });
}

main().catch((error: unknown) => {
  report({ event: 'fatal', message: errorText(error) });
  process.exit(1);
});
