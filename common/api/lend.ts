import { z } from 'zod';
import { call, event } from './define';
import type { EarningRow, EarningsCsv, EarningsSummary, ReconcileReport } from '../market/earnings-types';
import type { LendNotice, LendTerms, MarketMedian, SupplierStatus } from '../market/lend-types';
import { lendTermsSchema } from '../market/lend-types';
import type { WorkerReputation } from '../hub/http-api';
import type { GpuReleaseBundle } from '../market/gpu-release-bundle';
import { addressSchema } from '../wallet/wallet-schemas';

const noParams = z.object({}).strict();

/** The supplier's side: terms, sharing on/off, the session's state, and earnings. */
export const lendCalls = {
  'lend:status': call<SupplierStatus>()(noParams),
  /** This machine's score at the hub and why (null before it has a worker id there). */
  'lend:reputation': call<WorkerReputation | null>()(noParams),
  'lend:terms': call<LendTerms>()(noParams),
  /** Saves the terms (whole object, validated) and republishes the offers when sharing. */
  'lend:set-terms': call<LendTerms>()(z.object({ terms: lendTermsSchema }).strict()),
  /** Connects to the hub and publishes offers; persists, so a restart resumes sharing. */
  'lend:start-sharing': call<SupplierStatus>()(noParams),
  /** Withdraws the offers; running leases finish unless `stopRunning`. */
  'lend:stop-sharing': call<SupplierStatus>()(z.object({ stopRunning: z.boolean().default(false) }).strict()),
  /**
   * Releases this machine's GPUs to another owner (issue 14.3): signs, with the payout
   * wallet the GPUs are bound to, one release per lendable GPU naming `newOwner`, after one
   * confirmation. The new owner pastes the text into their app (Settings → Lending safety).
   */
  'lend:release-gpus': call<GpuReleaseBundle>()(z.object({ newOwner: addressSchema }).strict()),
  /** The hub's median price for a GPU model (a reference for the owner's price). */
  'lend:market-median': call<MarketMedian>()(z.object({ gpuModel: z.string().min(1).max(96) }).strict()),
  'earnings:summary': call<EarningsSummary>()(z.object({ days: z.number().int().min(1).max(366).default(30) }).strict()),
  'earnings:list': call<EarningRow[]>()(
    z.object({ limit: z.number().int().min(1).max(1000).default(200), beforeMs: z.number().int().optional() }).strict(),
  ),
  'earnings:export-csv': call<EarningsCsv>()(noParams),
  /** Checks every earnings row against the chain again and records the outcome. */
  'earnings:reconcile': call<ReconcileReport>()(noParams),
};

export const lendEvents = {
  'lend:status': event<SupplierStatus>(),
  'lend:notice': event<LendNotice>(),
  'earnings:changed': event<{ atMs: number }>(),
};
