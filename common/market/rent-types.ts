import { z } from 'zod';
import { baseUnitsSchema } from '../hub/base-units';
import { jobSpecSchema, placementConstraintsSchema } from '../hub/lease-types';
import type { LeaseView, Quote } from '../hub/lease-types';
import type { LeaseEvent } from '../hub/renter-messages';
import type { MeshMatrix } from '../mesh/mesh-announcement';

/** The renter's job form: what to run, on how many GPUs, for how long or how much. */
export const rentRequestSchema = z
  .object({
    gpuCount: z.number().int().min(1).max(256),
    constraints: placementConstraintsSchema.optional(),
    job: jobSpecSchema,
    durationMs: z.number().int().min(60_000).max(365 * 86_400_000).optional(),
    budget: baseUnitsSchema.optional(),
  })
  .strict()
  .refine((r) => (r.durationMs === undefined) !== (r.budget === undefined), {
    message: 'give a duration or a budget (one of them)',
  });
export type RentRequest = z.input<typeof rentRequestSchema>;

/** A quote as the UI shows it: the hub's quote plus its token's decimals. */
export interface RentQuote extends Quote {
  decimals: number;
}

export interface AutoPayState {
  enabled: boolean;
  /** Most this lease may auto-pay in all, base units; spent so far. */
  limit: string;
  spent: string;
  /**
   * Auto-paid in the last 24 hours over every lease, and the owner's daily cap on it (base
   * units): shown with every budget, so what auto-pay spends is never out of sight.
   */
  dayPaid?: string;
  dayCap?: string;
}

/** A lease as the renter's app shows it. */
export interface RentLease {
  lease: LeaseView;
  autoPay: AutoPayState;
  /** Recent log lines per rank (bounded), oldest first. */
  logs: Array<{ rank: number; stream: 'stdout' | 'stderr'; text: string; atMs: number }>;
  /** The next increment to pay and when it is due, when one is due. */
  nextDue: { increment: number; dueAtMs: number | null; amount: string } | null;
  /** Human words for how it ended or what is wrong (unpaid, supplier-lost, failed). */
  problem: string | null;
  /** The cluster mesh as its nodes measured it (pairs direct or relayed, latency, bandwidth); absent until reported. */
  mesh?: MeshMatrix | null;
  /**
   * What the machines said about their nodes while this app followed the lease (a pause
   * for heat, its resume, a failure), oldest first and bounded: the timeline shows them.
   */
  nodeNotes?: Array<{ rank: number; message: string; atMs: number }>;
}

/** A payment this wallet made for a lease. */
export interface RentReceipt {
  signature: string;
  leaseId: string;
  increment: number;
  payee: string;
  /** Base units of `token`. */
  amount: string;
  token: string;
  paidAtMs: number;
  network: string;
  autoApproved: boolean;
  /** A supplier's refund of unused paid time: `amount` is negative (money back). */
  refund?: boolean;
}

export type RentLeaseEvent = { leaseId: string; event: LeaseEvent };
