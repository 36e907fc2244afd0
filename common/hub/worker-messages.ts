import { z } from 'zod';
import { MAX_LOG_CHUNK_CHARS } from './hub-protocol';
import type { HubErrorShape } from './hub-errors';
import type { JobSpec, LeaseEndReason, LeaseState } from './lease-types';
import { offerTermsSchema, regionSchema, workerHardwareSchema } from './market-types';
import { nodeAttestationMessageSchema } from '../attestation/attestation-wire';
import type { AttestationChallenge, AttestationOpen } from '../attestation/attestation-wire';
import type { AttestationReason } from '../attestation/attestation-outcome';
import type { Offer } from './market-types';
import { meshPairReportSchema } from '../mesh/mesh-announcement';
import type { MeshEndpoint } from '../mesh/mesh-announcement';

/**
 * Worker ⇄ hub messages over the worker WebSocket (`/v1/worker`). The worker connects
 * outbound (so it works behind a home NAT), sends `hello` first, then offers, heartbeats
 * and lease events. Every message is one JSON object with a `type`.
 */

const ref = z.string().min(1).max(64);
const leaseId = z.string().min(1).max(64);

export const workerHelloSchema = z.object({
  type: z.literal('hello'),
  protocolVersion: z.number().int(),
  /** The session token from sign-in. */
  token: z.string().min(1).max(256),
  /** Chosen once by the app and kept: the same machine resumes the same worker id. */
  machineId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a machine id is 8–64 letters, digits, _ or -'),
  hardware: workerHardwareSchema,
  region: regionSchema,
  /** Where peers of a cluster reach this machine; the address the hub sees if absent. */
  advertisedHost: z.string().min(1).max(255).optional(),
  agent: z.string().max(64).optional(),
  /**
   * GPUs bought from (or moved from) another owner: each GPU's release, the text of
   * `gpuReleaseMessage(uuid, thisOwner)` signed by the wallet the GPU is bound to (base58).
   */
  gpuReleases: z.array(z.object({ uuid: z.string().min(1).max(96), signature: z.string().min(64).max(100) })).max(64).optional(),
});

export const workerMessageSchema = z.discriminatedUnion('type', [
  workerHelloSchema,
  z.object({ type: z.literal('offer.publish'), ref, offerId: z.string().max(64).optional(), terms: offerTermsSchema }),
  z.object({ type: z.literal('offer.withdraw'), ref, offerId: z.string().min(1).max(64) }),
  z.object({ type: z.literal('heartbeat'), seq: z.number().int().min(0), sentAtMs: z.number().int() }),
  z.object({
    type: z.literal('lease.node'),
    leaseId,
    /**
     * `down`: the machine's container engine stopped (Docker went away) while the job ran;
     * the hub takes no payment for the lease until the machine says `running` again.
     */
    state: z.enum(['pulling', 'running', 'exited', 'failed', 'down']),
    exitCode: z.number().int().optional(),
    message: z.string().max(1024).optional(),
    /**
     * For `failed`: "job" when the container failed on its own (the renter's image or
     * command), "supplier" when this machine stopped it (owner's game, heat, shutdown).
     * Only the latter counts against the supplier's reputation.
     */
    cause: z.enum(['job', 'supplier']).optional(),
  }),
  /**
   * The machine refunded the unused part of a paid increment to the renter (a transfer
   * with the memo `idlegrid-refund:<hub>:<lease>:<increment>`): the hub checks it on
   * chain, keeps it as the lease's evidence and tells the renter.
   */
  z.object({
    type: z.literal('lease.refund'),
    leaseId,
    increment: z.number().int().min(0),
    signature: z.string().min(64).max(88),
    amount: z.string().regex(/^[0-9]{1,20}$/),
  }),
  /**
   * The node's side of a reserved lease's GPU check (issue 13): ready, commit, opening or
   * error, from the attestation container on the leased GPUs; the hub relays it to the
   * renter's verifier (GPU UUIDs replaced by the lease's opaque ids).
   */
  z.object({ type: z.literal('lease.attest'), leaseId, message: nodeAttestationMessageSchema }),
  z.object({
    type: z.literal('lease.log'),
    leaseId,
    stream: z.enum(['stdout', 'stderr']),
    text: z.string().max(MAX_LOG_CHUNK_CHARS),
  }),
  /**
   * The lease's mesh (issue 11), each answered by `mesh.reply` with the same ref. The
   * hub takes the node's rank from the placement, never from the message: a machine
   * speaks only for its own node. `publish` carries the signed WireGuard key (checked by
   * the hub and again by every peer); `observe` opens the hub's UDP port that sees this
   * node's public endpoint; `view` lists the lease's keys and endpoints; `relay` asks for
   * the hub's relay to `peerRank`; `report` is one measured pair for the renter.
   */
  z.object({ type: z.literal('mesh.publish'), ref, leaseId, signed: z.unknown() }),
  z.object({ type: z.literal('mesh.observe'), ref, leaseId }),
  z.object({ type: z.literal('mesh.view'), ref, leaseId }),
  z.object({ type: z.literal('mesh.relay'), ref, leaseId, peerRank: z.number().int().min(0).max(253) }),
  z.object({ type: z.literal('mesh.report'), ref, leaseId, report: meshPairReportSchema }),
]);
export type WorkerMessage = z.infer<typeof workerMessageSchema>;
export type WorkerHello = z.infer<typeof workerHelloSchema>;
export type WorkerMessageType = WorkerMessage['type'];

/** A lease as one worker sees it: its rank, its GPUs, the job, its peers, its payments. */
export interface WorkerLease {
  leaseId: string;
  state: LeaseState;
  renter: string;
  rank: number;
  worldSize: number;
  gpuUuids: string[];
  job: JobSpec;
  /** Each rank's worker, reachable address and supplier wallet (which signs that node's mesh key; absent from leases sent by older hubs). */
  peers: Array<{ rank: number; workerId: string; host: string; supplier?: string }>;
  masterAddr: string;
  masterPort: number;
  incrementMs: number;
  graceMs: number;
  incrementCount: number;
  startedAtMs: number | null;
  paidThroughMs: number | null;
  mint: string;
  /**
   * The price per GPU-hour this node was placed at (base units): the machine checks it
   * against its own terms and computes what each increment must pay from it. Absent from
   * leases stored before it existed.
   */
  pricePerGpuHour?: string;
  /**
   * Internet egress this node was placed with, base units per node-hour: present when the
   * job asked for egress. The machine checks it against its own terms and adds it to each
   * increment; without it the job's firewall rejects everything but the lease's peers.
   */
  egressPricePerHour?: string;
  /** This worker's own payments, so it can verify each on chain before (re)starting. */
  payments: Array<{ increment: number; amount: string; reference: string; memo: string; signature: string | null }>;
}

export type HubToWorkerMessage =
  | {
      type: 'welcome';
      protocolVersion: number;
      workerId: string;
      heartbeatIntervalMs: number;
      /** The hub's clock when it sent this: lease deadlines are in hub time (the worker measures its offset). */
      hubNowMs?: number;
      /** Offers the hub already holds for this machine (after a reconnect). */
      offers: Offer[];
      /** Leases this machine should be running or preparing: keep these, stop any other. */
      leases: WorkerLease[];
      /** The hub's view of each GPU of the hello (e.g. claimed by another worker). */
      hardwareCheck: { passed: boolean; problems: string[] };
    }
  | { type: 'offer.published'; ref: string; offer: Offer }
  | { type: 'offer.withdrawn'; ref: string; offerId: string }
  | { type: 'heartbeat.ack'; seq: number; sentAtMs: number; hubNowMs?: number }
  /** Sent when a lease is placed on this machine, and again whenever it changes (extended). */
  | { type: 'lease.assigned'; lease: WorkerLease }
  | {
      type: 'lease.paid';
      leaseId: string;
      increment: number;
      signature: string;
      amount: string;
      reference: string;
      memo: string;
      /** Run until this time unless a later increment is paid. */
      paidThroughMs: number;
    }
  | { type: 'lease.stop'; leaseId: string; reason: LeaseEndReason; message: string }
  /** The answer to a mesh.* request: what that request asked for (see MeshReply). */
  | ({ type: 'mesh.reply'; ref: string } & MeshReply)
  /** The renter's verifier speaks to this node's attestation (a fresh challenge, the rows to open). */
  | { type: 'lease.attest'; leaseId: string; message: AttestationChallenge | AttestationOpen }
  /** How this node's attestation ended, as the renter's verifier decided and the hub recorded it; `advice` says what to do. */
  | { type: 'lease.attested'; leaseId: string; passed: boolean; reason: AttestationReason | null; message: string; advice: string | null }
  | ({ type: 'error'; inReplyTo?: string; ref?: string } & HubErrorShape);

/** What the hub answers to each mesh request (only the field that request asks for is set). */
export interface MeshReply {
  /** mesh.observe: where to send the probe; mesh.relay: where to send to reach the peer. */
  endpoint?: MeshEndpoint;
  /** mesh.view: every announcement held for the lease (unchecked: the node checks) and the observed endpoints by rank. */
  view?: { announcements: unknown[]; endpoints: Record<number, MeshEndpoint> };
}
