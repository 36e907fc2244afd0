import { z } from 'zod';
import { call, event } from './define';
import type { DisputeResult, LeaseEvidenceFile, LeaseView } from '../hub/lease-types';
import type { RenterReputation, WorkerReputation } from '../hub/http-api';
import type { OfferSearchPage } from '../hub/market-types';
import { MAX_GPUS_PER_OFFER, OFFER_SORTS, regionSchema } from '../hub/market-types';
import { baseUnitsSchema } from '../hub/base-units';
import type { AutoPayState, RentLease, RentLeaseEvent, RentQuote, RentReceipt } from '../market/rent-types';
import { rentRequestSchema } from '../market/rent-types';

const leaseIdParams = z.object({ leaseId: z.string().min(1).max(64) }).strict();

/** The renter's side: search, quote, pay, follow, extend, terminate, receipts. */
export const rentCalls = {
  'rent:search': call<OfferSearchPage>()(
    z
      .object({
        gpuModel: z.string().min(1).max(96).optional(),
        minVramMiB: z.number().int().min(0).optional(),
        minGpus: z.number().int().min(1).max(MAX_GPUS_PER_OFFER).optional(),
        maxPricePerGpuHour: baseUnitsSchema.optional(),
        minReliability: z.number().min(0).max(1).optional(),
        interruptible: z.boolean().optional(),
        region: regionSchema.optional(),
        sort: z.enum(OFFER_SORTS).default('price'),
        offset: z.number().int().min(0).max(100_000).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
  ),
  /** Holds the GPUs and prices the cluster; pay before `expiresAtMs`. */
  'rent:quote': call<RentQuote>()(rentRequestSchema),
  /**
   * Pays the first increment (one confirmation per supplier, unless auto-pay covers it),
   * hands the signatures to the hub and follows the lease. With `autoPayBudget` the later
   * increments are paid without asking until that much is spent.
   */
  'rent:pay': call<RentLease>()(
    z.object({ leaseId: z.string().min(1).max(64), autoPayBudget: baseUnitsSchema.optional() }).strict(),
  ),
  /** Pays the next due increment now (the renter's manual "pay"). */
  'rent:pay-next': call<RentLease>()(leaseIdParams),
  'rent:leases': call<RentLease[]>()(noParamsLimit()),
  'rent:lease': call<RentLease>()(leaseIdParams),
  'rent:extend': call<RentLease>()(
    z.object({ leaseId: z.string().min(1).max(64), increments: z.number().int().min(1).max(1000) }).strict(),
  ),
  'rent:terminate': call<RentLease>()(leaseIdParams),
  'rent:set-auto-pay': call<AutoPayState>()(
    z.object({ leaseId: z.string().min(1).max(64), enabled: z.boolean(), budget: baseUnitsSchema.optional() }).strict(),
  ),
  /** Everything the hub kept about one of this wallet's leases, as one document (to download). */
  'rent:evidence': call<LeaseEvidenceFile>()(leaseIdParams),
  /** Opens a dispute about a lease; the hub settles the common cases by rule and says how. */
  'rent:dispute': call<DisputeResult>()(z.object({ leaseId: z.string().min(1).max(64), complaint: z.string().trim().min(1).max(1000) }).strict()),
  /** This wallet's score as a renter at the hub, and why. */
  'rent:reputation': call<RenterReputation>()(z.object({}).strict()),
  /** A supplier machine's score at the hub, and why (shown next to its node). */
  'rent:supplier-reputation': call<WorkerReputation>()(z.object({ workerId: z.string().min(1).max(64) }).strict()),
  /** Spending: the payments this wallet made for leases, newest first. */
  'rent:receipts': call<RentReceipt[]>()(z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict()),
};

function noParamsLimit() {
  return z.object({ limit: z.number().int().min(1).max(200).default(50) }).strict();
}

export const rentEvents = {
  /** The whole lease changed (state, nodes, payments): replace what is shown. */
  'rent:lease': event<RentLease>(),
  /** A live event of a followed lease (log lines arrive this way). */
  'rent:lease-event': event<RentLeaseEvent>(),
  'rent:receipts-changed': event<{ atMs: number }>(),
};

export type { LeaseView };
