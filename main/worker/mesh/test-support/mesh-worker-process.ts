import { createPrivateKey, sign } from 'node:crypto';
import { getAddressDecoder } from '@solana/kit';
import { HubHttpClient } from '../../../../hub-client/hub-http-client';
import { WorkerClient } from '../../../../hub-client/worker-client';
import type { OfferTermsInput, WorkerHardware } from '../../../../common/hub/market-types';
import type { WorkerLease } from '../../../../common/hub/worker-messages';
import { jobSpecSchema } from '../../../../common/worker/job-spec';
import type { JobSpec } from '../../../../common/worker/job-spec';
import { silentLogger } from '../../../../common/logger';
import { errorText } from '../../../../common/errors';
import { leaseJobSpec } from '../../../market/supplier/lease-job-spec';
import { workerSocketSignalling } from '../../../market/supplier/worker-socket-signalling';
import { DockerEngine } from '../../docker-engine';
import { hardenedContainerSpec } from '../../hardened-container';
import { jobLabels, jobResourceNames } from '../../job-resources';
import { LeaseMeshNodes } from '../lease-mesh-nodes';

/**
 * A supplier's machine in one home of the testbed, as its own process: it signs in with
 * its wallet, publishes its offer, and does with a lease what the app does on the mesh
 * path — the lease's sidecar and mesh come up as soon as it is assigned (while reserved),
 * signalled over this worker socket (`workerSocketSignalling`, LeaseMeshNodes); once the
 * lease is paid, the job runs in the sidecar's namespace (`hardenedContainerSpec` with
 * `container:<sidecar>`, the environment of `leaseJobSpec`), and its exit is reported.
 * Forked with `--import tsx`; config as JSON in argv[2]; reports over IPC.
 */
export interface MeshWorkerConfig {
  hubUrl: string;
  walletHex: string;
  machineId: string;
  hardware: WorkerHardware;
  region: string;
  offers: OfferTermsInput[];
  /** The home's dockerd socket path. */
  dockerSocket: string;
  directTimeoutMs?: number;
  /** The job's memory limit (default 64 MiB; torch needs more). */
  memoryLimitMb?: number;
}

export type MeshWorkerReport =
  | { event: 'ready'; workerId: string }
  | { event: 'mesh-up'; leaseId: string }
  | { event: 'mesh-failed'; leaseId: string; message: string }
  | { event: 'job-exited'; leaseId: string; exitCode: number; logs: string }
  | { event: 'fatal'; message: string };

const config = JSON.parse(process.argv[2] ?? '{}') as MeshWorkerConfig;
const report = (r: MeshWorkerReport) => process.send?.(r);
/** The supplier's test wallet (PKCS#8 hex from hub/testing's createTestWallet; main/ does not import the hub). */
const privateKey = createPrivateKey({ key: Buffer.from(config.walletHex, 'hex'), format: 'der', type: 'pkcs8' });
const wallet = {
  address: getAddressDecoder().decode(Buffer.from(privateKey.export({ format: 'jwk' }).x!, 'base64url')),
  signMessage: async (message: Uint8Array) => new Uint8Array(sign(null, message, privateKey)),
};
const http = new HubHttpClient({ baseUrl: config.hubUrl });
const engine = new DockerEngine({ kind: 'socket', socketPath: config.dockerSocket, label: `unix://${config.dockerSocket}` });
let token: string | null = null;
const client = new WorkerClient({
  hubUrl: config.hubUrl,
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
const meshes = new LeaseMeshNodes({ engine, logger: silentLogger, workerId: config.machineId, ...(config.directTimeoutMs !== undefined ? { directTimeoutMs: config.directTimeoutMs } : {}) });
meshes.connect({
  workerId: () => client.workerId,
  supplier: () => wallet.address,
  signalling: (leaseId) => workerSocketSignalling(() => client, leaseId),
  signMessage: (message) => wallet.signMessage(message),
});

const specs = new Map<string, JobSpec>();
const jobs = new Map<string, string>();

function onAssigned(lease: WorkerLease): void {
  if (specs.has(lease.leaseId)) return;
  const spec = jobSpecSchema.parse({ ...leaseJobSpec(lease, null, 3_600_000, { mesh: true }), memoryLimitMb: config.memoryLimitMb ?? 64, cpuCores: 1, scratchSizeMb: 16 });
  specs.set(lease.leaseId, spec);
  meshes.prepare(spec);
  meshes.attach(spec).then(
    () => report({ event: 'mesh-up', leaseId: lease.leaseId }),
    (error: unknown) => report({ event: 'mesh-failed', leaseId: lease.leaseId, message: errorText(error) }),
  );
}

async function runJob(leaseId: string): Promise<void> {
  const spec = specs.get(leaseId);
  if (!spec || jobs.has(leaseId)) return;
  client.reportNode(leaseId, 'pulling');
  if (!(await engine.hasImage(spec.image))) await engine.pullImage(spec.image, () => undefined, new AbortController().signal);
  const { sidecar } = await meshes.attach(spec);
  const names = jobResourceNames(config.machineId, spec.leaseId, spec.jobId);
  const id = await engine.createContainer(hardenedContainerSpec(spec, names, jobLabels(config.machineId, spec.leaseId, spec.jobId), { deviceRequests: [], devices: [] }, { sidecar }));
  jobs.set(leaseId, id);
  await engine.startContainer(id);
  client.reportNode(leaseId, 'running');
  const { exitCode } = await engine.waitContainer(id);
  const logs = await readAll(await engine.containerLogs(id, { follow: false }));
  for (const line of logs.split('\n').filter(Boolean)) client.sendLog(leaseId, 'stdout', line.slice(0, 1000));
  report({ event: 'job-exited', leaseId, exitCode, logs });
  client.reportNode(leaseId, 'exited', { exitCode });
}

async function endLease(leaseId: string): Promise<void> {
  const id = jobs.get(leaseId);
  if (id) await engine.removeContainer(id).catch(() => undefined);
  await meshes.release(specs.get(leaseId)?.leaseId ?? leaseId);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  // Docker's 8-byte frame headers, less their control bytes: enough to read the lines.
  return Buffer.concat(chunks).toString('utf8').replace(/[\u0000-\u0008\u000e-\u001f]/g, '');
}

const fatal = (error: unknown) => report({ event: 'fatal', message: errorText(error) });

client.on('message', (message) => {
  if (message.type === 'lease.assigned') onAssigned(message.lease);
  if (message.type === 'lease.paid' && message.increment === 0) runJob(message.leaseId).catch(fatal);
  if (message.type === 'lease.stop') endLease(message.leaseId).catch(fatal);
});
process.on('disconnect', () => process.exit(0));

async function main(): Promise<void> {
  const welcome = await client.start();
  if (welcome.offers.length === 0) for (const terms of config.offers) await client.publishOffer(terms);
  report({ event: 'ready', workerId: welcome.workerId });
}

main().catch((error: unknown) => {
  fatal(error);
  process.exit(1);
});
