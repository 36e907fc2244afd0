import { z } from 'zod';
import { baseUnitsSchema } from './base-units';
import { regionSchema } from './market-types';
import type { NodeReady } from '../attestation/attestation-wire';

/**
 * Cluster requests, gang placements, quotes and leases: the renter's side of the market.
 */

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name is letters, digits and _');

/** Names the hub sets on every container of a cluster; a job spec may not override them. */
export const RESERVED_ENV_NAMES = ['RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT', 'IDLEGRID_PEERS', 'IDLEGRID_LEASE_ID'] as const;

export const jobSpecSchema = z.object({
  image: z.string().min(1).max(512).regex(/^[^\s]+$/, 'an image reference has no spaces'),
  command: z.array(z.string().max(4096)).max(64).optional(),
  env: z
    .record(envName, z.string().max(4096))
    .optional()
    .refine((env) => !env || Object.keys(env).length <= 64, { message: 'at most 64 environment variables' })
    .refine((env) => !env || !RESERVED_ENV_NAMES.some((n) => n in env), {
      message: `the hub sets ${RESERVED_ENV_NAMES.join(', ')} itself; remove them from the job's environment`,
    }),
  ports: z.array(z.number().int().min(1).max(65535)).max(16).optional(),
  /** The rendezvous port on rank 0 (torch.distributed's default). */
  masterPort: z.number().int().min(1).max(65535).default(29500),
  /**
   * Run as root instead of the image's unprivileged user. A supplier whose terms do not
   * allow root jobs refuses the job, and says so.
   */
  runAsRoot: z.boolean().optional(),
  /**
   * Reach the public internet from the job (off by default: only the lease's peers). Only
   * offers that sell egress (`egressPricePerHour`) take such a job, and each node's
   * increments then include that price.
   */
  egress: z.boolean().optional(),
});
export type JobSpec = z.output<typeof jobSpecSchema>;

export const placementConstraintsSchema = z.object({
  gpuModel: z.string().min(1).max(96).optional(),
  minVramMiB: z.number().int().min(0).optional(),
  /** All GPUs of one model (true by default: mixed models make distributed jobs slow). */
  sameModel: z.boolean().default(true),
  maxPricePerGpuHour: baseUnitsSchema.optional(),
  minReliability: z.number().min(0).max(1).optional(),
  /** true: only interruptible offers; false: only on-demand; absent: either. */
  interruptible: z.boolean().optional(),
  region: regionSchema.optional(),
  /** At most this many machines (1 = a single machine). */
  maxNodes: z.number().int().min(1).max(256).optional(),
});
export type PlacementConstraints = z.output<typeof placementConstraintsSchema>;

export const MAX_CLUSTER_GPUS = 256;

export const clusterRequestSchema = z
  .object({
    gpuCount: z.number().int().min(1).max(MAX_CLUSTER_GPUS),
    constraints: placementConstraintsSchema.default({ sameModel: true }),
    job: jobSpecSchema,
    /** How long to run; rounded up to whole increments. */
    durationMs: z.number().int().min(1).max(365 * 86_400_000).optional(),
    /** Or how much to spend at most: as many whole increments as it buys. */
    budget: baseUnitsSchema.optional(),
  })
  .refine((r) => (r.durationMs === undefined) !== (r.budget === undefined), {
    message: 'give either durationMs or budget, not both and not neither',
  });
export type ClusterRequest = z.output<typeof clusterRequestSchema>;
export type ClusterRequestInput = z.input<typeof clusterRequestSchema>;

/** One machine's share of a cluster. Rank 0 hosts the rendezvous (MASTER_ADDR). */
export interface PlacementNode {
  rank: number;
  workerId: string;
  offerId: string;
  /** The supplier's wallet: the payee of this node's increments. */
  supplier: string;
  gpuModel: string;
  vramMiB: number;
  gpuUuids: string[];
  pricePerGpuHour: string;
  /**
   * What internet egress costs on this node, base units per node-hour: present only when the
   * job asked for egress (the offer's price at placement), added to each of its increments.
   */
  egressPricePerHour?: string;
  region: string;
  interruptible: boolean;
}

export interface GangPlacement {
  nodes: PlacementNode[];
  gpuCount: number;
}

/**
 * A node as the renter sees it: the GPUs by per-lease opaque ids, never by their UUIDs
 * (a UUID is the supplier's; shown to renters it was the key to a takeover, issue 14.3).
 */
export type RenterPlacementNode = Omit<PlacementNode, 'gpuUuids'> & {
  /** One id per GPU, unique within this lease and unrelated to the GPU's UUID or other leases. */
  gpuIds: string[];
};

export interface RenterPlacement {
  nodes: RenterPlacementNode[];
  gpuCount: number;
}

export const LEASE_STATES = ['reserved', 'paid', 'starting', 'running', 'ended'] as const;
export type LeaseState = (typeof LEASE_STATES)[number];

export const LEASE_END_REASONS = ['completed', 'terminated', 'unpaid', 'supplier-lost', 'failed'] as const;
export type LeaseEndReason = (typeof LEASE_END_REASONS)[number];

export const NODE_STATES = ['assigned', 'pulling', 'running', 'exited', 'failed', 'stopped'] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** One expected transfer: `amount` to `payee`, carrying `reference` and `memo`. */
export interface IncrementPayment {
  payee: string;
  amount: string;
  /** A fresh public key added to the transfer (Solana Pay style) so the hub can find it. */
  reference: string;
  /** `idlegrid:<leaseId>:<increment>` */
  memo: string;
  signature: string | null;
  paidAtMs: number | null;
}

export interface LeaseIncrement {
  index: number;
  /** When it must be paid: the reservation deadline for increment 0, its start for later ones; null before the lease starts. */
  dueAtMs: number | null;
  payments: IncrementPayment[];
}

export interface LeaseTransition {
  from: LeaseState | null;
  to: LeaseState;
  endReason: LeaseEndReason | null;
  atMs: number;
  reason: string;
}

export interface LeaseNodeStatus {
  rank: number;
  workerId: string;
  state: NodeState;
  message: string | null;
  updatedAtMs: number;
  /** Set while the machine says its container engine is down (issue 19, item 5): no payment is taken for the lease meanwhile. */
  downSinceMs?: number;
}

/** What the renter gets back for a cluster request: the GPUs are held until `expiresAtMs`. */
export interface Quote {
  leaseId: string;
  expiresAtMs: number;
  /** The symbol of the token every amount here is in (common/money's registry). */
  token: string;
  mint: string;
  incrementMs: number;
  incrementCount: number;
  graceMs: number;
  placement: RenterPlacement;
  /** Per increment: what each supplier is paid, and the sum. */
  perIncrement: { total: string; payments: Array<{ payee: string; amount: string }> };
  total: string;
  /** Pay these now (one transfer each) to start the lease. */
  firstIncrement: LeaseIncrement;
}

export interface LeaseView {
  leaseId: string;
  renter: string;
  state: LeaseState;
  endReason: LeaseEndReason | null;
  createdAtMs: number;
  expiresAtMs: number;
  /** When the first increment was fully paid: increment k covers [start + k·incrementMs, start + (k+1)·incrementMs). */
  startedAtMs: number | null;
  paidThroughMs: number | null;
  incrementMs: number;
  incrementCount: number;
  graceMs: number;
  /** The symbol of the token the lease is paid in. */
  token: string;
  mint: string;
  job: JobSpec;
  placement: RenterPlacement;
  nodes: LeaseNodeStatus[];
  increments: LeaseIncrement[];
  transitions: LeaseTransition[];
  paidSoFar: string;
  /**
   * While reserved: each node's GPU check (issue 13's verify, then pay). The lease is
   * "attesting" to the renter while any node is not yet passed; absent from hubs before it.
   */
  attestation?: NodeAttestationStatus[];
  /** Refunds suppliers paid back for unused time, checked on chain by the hub (absent: none known). */
  refunds?: LeaseRefund[];
}

export const NODE_ATTESTATION_STATES = ['preparing', 'ready', 'attesting', 'passed', 'failed'] as const;
export type NodeAttestationState = (typeof NODE_ATTESTATION_STATES)[number];

/** One node's GPU check: preparing (pull, container) → ready → attesting → passed | failed. */
export interface NodeAttestationStatus {
  rank: number;
  state: NodeAttestationState;
  /** A stable reason code when failed (common/attestation's ATTESTATION_REASONS). */
  reason: string | null;
  /** Plain words: what the check found. */
  message: string | null;
  /** The node's `ready` message as relayed (GPUs by the lease's opaque ids), for a verifier that starts late. */
  ready: NodeReady | null;
  updatedAtMs: number;
}

/** A refund of unused paid time, from a supplier back to the renter. */
export interface LeaseRefund {
  increment: number;
  payee: string;
  /** Base units of the lease's token. */
  amount: string;
  signature: string;
  atMs: number;
}

/** One entry of a lease's evidence as the hub kept it. */
export interface LeaseEvidenceEntry {
  seq: number;
  kind: 'attestation' | 'node' | 'payment' | 'refund' | 'refund-owed' | 'refund-missed' | 'dispute';
  workerId: string | null;
  atMs: number;
  body: Record<string, unknown>;
}

/** Everything the hub kept about a lease, as one downloadable document. */
export interface LeaseEvidenceFile {
  hubId: string;
  generatedAtMs: number;
  lease: LeaseView;
  evidence: LeaseEvidenceEntry[];
}

/** How a dispute was settled by rule (or that it needs a person). */
export type DisputeResult =
  | { outcome: 'supplier-flagged'; why: string; workerIds: string[] }
  | { outcome: 'no-refund'; why: string }
  | { outcome: 'refunded'; why: string }
  | { outcome: 'needs-review'; why: string };
