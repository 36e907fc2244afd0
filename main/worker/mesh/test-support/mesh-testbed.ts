import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { DockerEngine } from '../../docker-engine';
import { silentLogger } from '../../../../common/logger';
import type { MeshEndpoint, MeshPairReport, SignedMeshAnnouncement } from '../../../../common/mesh';
import { jobSpecSchema } from '../../../../common/worker/job-spec';
import { hardenedContainerSpec } from '../../hardened-container';
import { MeshNode } from '../mesh-node';
import { joinMesh } from '../mesh-join';
import type { MeshJoinResult, MeshSignalling } from '../mesh-join';
import type { MeshPlacementNode } from '../mesh-peer-admission';
import { ensureSidecarImage } from '../sidecar-image';
import type { Testbed, TestbedHome } from '../../../../scripts/testbed/homes.mjs';

/** A wallet that signs like Wallet Standard's signMessage (the tests pass hub/testing's test wallet). */
export interface TestSigner {
  address: string;
  signMessage(message: Uint8Array): Promise<Uint8Array>;
}

/** The hub's mesh signalling as the harness uses it (hub/mesh/mesh-signals.ts; passed in, since main/ does not import the hub). */
export interface MeshSignals {
  openLease(leaseId: string, worldSize: number): void;
  publish(leaseId: string, signed: unknown): void;
  observe(leaseId: string, rank: number): Promise<MeshEndpoint>;
  endpointOf(leaseId: string, rank: number): MeshEndpoint | null;
  view(leaseId: string): { announcements: SignedMeshAnnouncement[]; endpoints: Record<number, MeshEndpoint> };
  relayFor(leaseId: string, rank: number, peerRank: number): Promise<MeshEndpoint>;
  report(leaseId: string, report: MeshPairReport): void;
  closeLease(leaseId: string): void;
}

/** A supplier in one home of the testbed: its engine, its wallet, its worker id. */
export interface TestSupplier {
  home: TestbedHome;
  engine: DockerEngine;
  wallet: TestSigner;
  workerId: string;
  sidecarImage: string;
}

export async function testSuppliers(bed: Testbed, createWallet: () => TestSigner): Promise<TestSupplier[]> {
  return Promise.all(
    bed.homes.map(async (home) => {
      const engine = new DockerEngine({ kind: 'socket', socketPath: home.dockerHost!.slice('unix://'.length), label: home.dockerHost! });
      return { home, engine, wallet: createWallet(), workerId: `worker-h${home.index}`, sidecarImage: await ensureSidecarImage(engine) };
    }),
  );
}

/** The hub's mesh signalling for one lease, as a node sees it (in process; the app carries the same calls over its worker socket). */
export function inProcessSignalling(signals: MeshSignals, leaseId: string): MeshSignalling {
  return {
    publish: async (signed: SignedMeshAnnouncement) => signals.publish(leaseId, signed),
    observe: (rank) => signals.observe(leaseId, rank),
    observed: async (rank) => signals.endpointOf(leaseId, rank),
    view: async () => signals.view(leaseId),
    relayFor: (rank, peer) => signals.relayFor(leaseId, rank, peer),
    report: async (report: MeshPairReport) => signals.report(leaseId, report),
  };
}

export interface TestLease {
  leaseId: string;
  nodes: MeshNode[];
  results: MeshJoinResult[];
  /** A long-running job container (busybox, no capabilities) in each node's namespace. */
  jobs: string[];
  /** ms from "all sidecars running" to every node's pairs up (before measuring). */
  meshUpMs: number;
  dispose(): Promise<void>;
}

/** Starts a lease over `suppliers` (rank = index): sidecars, the mesh through `signals`, and a job container per node. */
export async function startTestLease(
  suppliers: TestSupplier[],
  signals: MeshSignals,
  options: {
    leaseId: string;
    egress?: boolean;
    jobImage?: string;
    /** The job's command and environment per rank (default: busybox sleeping, to exec into). */
    job?: { command: string[]; env: (rank: number) => Record<string, string>; memoryLimitMb?: number };
    signalling?: (leaseId: string) => MeshSignalling;
    directTimeoutMs?: number;
    jobs?: boolean;
  },
): Promise<TestLease> {
  const { leaseId } = options;
  signals.openLease(leaseId, suppliers.length);
  const placement: MeshPlacementNode[] = suppliers.map((s, rank) => ({ rank, workerId: s.workerId, supplier: s.wallet.address }));
  const nodes: MeshNode[] = [];
  const jobs: Array<{ engine: DockerEngine; id: string }> = [];
  const networks: Array<{ engine: DockerEngine; name: string }> = [];
  const dispose = async () => {
    for (const job of jobs) if (job) await job.engine.removeContainer(job.id).catch(() => undefined);
    for (const node of nodes) await node?.dispose();
    for (const n of networks) await n.engine.removeNetwork(n.name).catch(() => undefined);
    signals.closeLease(leaseId);
  };
  try {
    await Promise.all(
      suppliers.map(async (s, rank) => {
        const network = `idg-mesh-${leaseId}`;
        await s.engine.createNetwork({ name: network, labels: { 'io.idlegrid.test': 'mesh' }, internal: false });
        networks.push({ engine: s.engine, name: network });
        const node = new MeshNode(
          { engine: s.engine, logger: silentLogger },
          { leaseId, rank, sidecarImage: s.sidecarImage, sidecarName: `idg-mesh-${leaseId}-r${rank}`, network, labels: { 'io.idlegrid.test': 'mesh' }, egress: options.egress ?? false, blockedAddresses: [] },
        );
        nodes[rank] = node;
        await node.start();
      }),
    );
    const startedAtMs = Date.now();
    const signalling = options.signalling ?? ((id: string) => inProcessSignalling(signals, id));
    const results = await Promise.all(
      suppliers.map((s, rank) =>
        joinMesh(nodes[rank]!, signalling(leaseId), {
          leaseId,
          rank,
          workerId: s.workerId,
          supplier: s.wallet.address,
          signMessage: s.wallet.signMessage,
          placement,
          directTimeoutMs: options.directTimeoutMs,
          trace: process.env.MESH_TRACE ? (step) => process.stderr.write(`rank ${rank} ${Date.now() % 100000} ${step}\n`) : undefined,
        }),
      ),
    );
    const meshUpMs = Math.max(...results.map((r) => r.meshUpAtMs)) - startedAtMs;
    if (options.jobs ?? true) {
      await Promise.all(
        suppliers.map(async (s, rank) => {
          const spec = jobSpecSchema.parse({
            jobId: `${leaseId}-r${rank}`,
            leaseId,
            image: options.jobImage ?? 'idlegrid/busybox:test',
            command: options.job?.command ?? ['sleep', '3600'],
            env: options.job?.env(rank) ?? {},
            cpuCores: 1,
            memoryLimitMb: options.job?.memoryLimitMb ?? 64,
            tmpSizeMb: 32,
            scratchSizeMb: 16,
            maxDurationMs: 3_600_000,
            stopGraceMs: 0,
          });
          const body = hardenedContainerSpec(
            spec,
            { container: `idg-job-${leaseId}-r${rank}`, volume: `idg-scratch-${leaseId}-r${rank}`, outputs: `idg-outputs-${leaseId}-r${rank}`, network: 'unused' },
            { 'io.idlegrid.test': 'mesh' },
            { deviceRequests: [], devices: [] },
            { sidecar: nodes[rank]!.sidecar },
          );
          const id = await s.engine.createContainer(body);
          jobs[rank] = { engine: s.engine, id };
          await s.engine.startContainer(id);
        }),
      );
    }
    return { leaseId, nodes, results, jobs: jobs.map((j) => j.id), meshUpMs, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Runs a command in a job container; its exit code and output. */
export async function inJob(engine: DockerEngine, job: string, cmd: string[]): Promise<{ exitCode: number; out: string }> {
  const r = await engine.execInContainer(job, { cmd, timeoutMs: 15_000 });
  return { exitCode: r.exitCode, out: r.stdout + r.stderr };
}

/** TCP connect from inside a job container (busybox nc, 2 s): true when the connection opened. */
export async function jobCanConnect(engine: DockerEngine, job: string, host: string, port: number): Promise<boolean> {
  const r = await inJob(engine, job, ['sh', '-c', `echo x | nc -w 2 ${host} ${port} >/dev/null 2>&1 && echo OPEN || echo CLOSED`]);
  return r.out.includes('OPEN');
}

/** A TCP listener in this process (the "public internet" side, on the hub's address). */
export function listenTcp(host: string): Promise<{ port: number; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(0, host, () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}
