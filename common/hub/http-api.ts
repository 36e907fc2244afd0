import { z } from 'zod';
import { solanaAddressSchema, transactionSignatureSchema } from './solana-strings';

/**
 * The hub's HTTP API (renters and the explorer). JSON in, JSON out; errors are
 * `{ error: { code, message } }` with a fitting status. Calls marked (auth) need
 * `Authorization: Bearer <session token>` from sign-in.
 *
 *   GET  /v1/info                          hub facts: protocol, network, mint, increments
 *   POST /v1/auth/challenge                { address, audience? } → a challenge to sign
 *   POST /v1/auth/session                  { address, nonce, signature } → { token, audience }
 *   POST /v1/auth/sign-out                 (any session) → the token is revoked
 *   GET  /v1/offers?…                      search (filters, sort, offset/limit)
 *   POST /v1/quotes               (auth)   a cluster request → a quote; the GPUs are held
 *   GET  /v1/leases               (auth)   the caller's leases, newest first
 *   GET  /v1/leases/:id           (auth)   one lease with its timeline and payments
 *   POST /v1/leases/:id/payments  (auth)   { increment, payee, signature } → credited
 *   POST /v1/leases/:id/extend    (auth)   { increments } → more increments to pay
 *   POST /v1/leases/:id/terminate (auth)   end the lease now
 *   GET  /v1/leases/:id/evidence           everything the hub kept about the lease (one document)
 *   POST /v1/leases/:id/dispute            a renter's dispute, settled by rule from the evidence
 *   GET  /v1/reputation/workers/:id        a worker's observed facts, score, why, and exposure caps
 *   GET  /v1/reputation/renters/:address   a renter's payment record
 *   GET  /v1/explorer/stats                GPUs online by model, utilisation, volume
 *   GET  /v1/explorer/payments?limit=      recent payments with signatures
 *   GET  /v1/explorer/machines             machines online by GPU model and region
 *   GET  /v1/explorer/series?sinceMs=      the hub's own series: fine recent points, coarse older ones
 *   GET  /explorer                         the public explorer page (HTML; no wallet, no sign-in)
 */
export const HUB_HTTP = {
  info: '/v1/info',
  challenge: '/v1/auth/challenge',
  session: '/v1/auth/session',
  signOut: '/v1/auth/sign-out',
  offers: '/v1/offers',
  quotes: '/v1/quotes',
  leases: '/v1/leases',
  explorerStats: '/v1/explorer/stats',
  explorerPayments: '/v1/explorer/payments',
  explorerMachines: '/v1/explorer/machines',
  explorerSeries: '/v1/explorer/series',
  explorerPage: '/explorer',
  workerReputation: '/v1/reputation/workers',
  renterReputation: '/v1/reputation/renters',
} as const;

export const disputeRequestSchema = z.object({ complaint: z.string().max(1000) }).strict();

export const leasePath = (leaseId: string, action?: 'payments' | 'extend' | 'terminate' | 'evidence' | 'dispute'): string =>
  `${HUB_HTTP.leases}/${encodeURIComponent(leaseId)}${action ? `/${action}` : ''}`;

export interface HubInfo {
  protocolVersion: number;
  /** "sandbox" | "devnet" | "mainnet" | "custom" */
  network: string;
  /** The symbol of the token payments are made in (common/money's registry). */
  token: string;
  /** That token's mint: payments must use it. */
  mint: string;
  /** The hub's id in payment memos (`idlegrid:<hubId>:<lease>:<increment>`): hubIdOf its sign-in domain. */
  hubId: string;
  /** Where the hub's chain can be reached, when it serves its sandbox chain. */
  rpcUrl: string | null;
  incrementMs: number;
  graceMs: number;
  reservationTtlMs: number;
  heartbeatIntervalMs: number;
}

export const paymentSubmissionSchema = z.object({
  increment: z.number().int().min(0),
  payee: solanaAddressSchema,
  signature: transactionSignatureSchema,
});
export type PaymentSubmission = z.infer<typeof paymentSubmissionSchema>;

export interface PaymentReceipt {
  leaseId: string;
  increment: number;
  payee: string;
  /** Base units of `token`. */
  amount: string;
  token: string;
  signature: string;
  paidAtMs: number;
  /** Every payee of this increment is paid. */
  incrementPaid: boolean;
}

export const extendRequestSchema = z.object({ increments: z.number().int().min(1).max(10_000) });
export type ExtendRequest = z.infer<typeof extendRequestSchema>;

export interface WorkerReputation {
  workerId: string;
  supplier: string;
  online: boolean;
  uptime: number;
  leasesCompleted: number;
  leasesEndedBySupplier: number;
  hardwareChecksPassed: number;
  hardwareChecksTotal: number;
  attestationsPassed: number;
  attestationsFailed: number;
  refundsMissed: number;
  score: number;
  /** "Why is my score X": the formula, each part with its weight and words, and the exposure caps. */
  why: {
    formula: string;
    parts: Array<{ name: string; value: number; weight: number; adds: number; why: string }>;
    exposure: { established: boolean; maxConcurrentLeases: number | null; maxIncrementValue: string | null; why: string };
  };
}

export interface RenterReputation {
  address: string;
  incrementsOnTime: number;
  incrementsLate: number;
  incrementsMissed: number;
  /** Quotes left to expire unpaid. */
  reservationsExpired: number;
  score: number;
  /** "Why is my score X": the formula with this renter's facts (absent from older hubs). */
  why?: string;
}

export interface ExplorerStats {
  atMs: number;
  workersOnline: number;
  gpusOnline: number;
  gpusLeased: number;
  /** Leased GPUs over online GPUs, 0…1. */
  utilisation: number;
  byModel: Array<{ gpuModel: string; online: number; leased: number }>;
  leasesRunning: number;
  leasesActive: number;
  volumePaid24h: string;
  volumePaidAllTime: string;
  /** Machines that owed a renter a refund and did not pay it by the deadline (issue 13), most missed first. Absent from older hubs. */
  flaggedWorkers?: Array<{ workerId: string; supplier: string; refundsMissed: number }>;
}

/** Machines online, grouped by GPU model and region (a machine with two models counts in both). */
export interface ExplorerMachines {
  atMs: number;
  groups: Array<{ gpuModel: string; region: string; machines: number; gpus: number }>;
}

export interface ExplorerPayment {
  signature: string;
  leaseId: string;
  increment: number;
  payee: string;
  payer: string;
  amount: string;
  paidAtMs: number;
}

/**
 * One point of the hub's explorer series. Recent points are samples at the fine interval;
 * older ones are rolled up into coarse buckets (counts averaged, volume the bucket's last).
 */
export interface ExplorerSeriesPoint {
  atMs: number;
  /** The span this point stands for (the fine sample interval, or the coarse bucket). */
  resolutionMs: number;
  workersOnline: number;
  gpusOnline: number;
  gpusLeased: number;
  /** Leased GPUs over online GPUs, 0…1. */
  utilisation: number;
  leasesRunning: number;
  leasesActive: number;
  /** Base units of the hub's token, all time, as of this point. */
  volumePaidAllTime: string;
  /** GPUs online and leased, by model and region. */
  groups: Array<{ gpuModel: string; region: string; gpus: number; leased: number }>;
}

export interface ExplorerSeries {
  points: ExplorerSeriesPoint[];
}

export const explorerSeriesQuerySchema = z.object({ sinceMs: z.coerce.number().int().min(0).default(0) });

export const explorerPaymentsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
export const addressParamSchema = solanaAddressSchema;
