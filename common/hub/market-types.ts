import { z } from 'zod';
import { baseUnitsSchema } from './base-units';
import { solanaAddressSchema } from './solana-strings';

/**
 * What a worker tells the hub about its machine, what it offers, and what a renter sees
 * when searching. Shapes are zod schemas so both sides validate the same thing; types are
 * inferred from them.
 */

const idText = (max: number) => z.string().min(1).max(max);

export const hubGpuSchema = z.object({
  /** The driver's stable id (NVIDIA `GPU-…`): leases name exact GPUs by it. */
  uuid: idText(96),
  /** The model as the driver reports it, e.g. "NVIDIA GeForce RTX 4090". */
  model: idText(96),
  vramMiB: z.number().int().min(0).max(16 * 1024 * 1024),
  index: z.number().int().min(0).max(1023),
});
export type HubGpu = z.infer<typeof hubGpuSchema>;

export const workerHardwareSchema = z.object({
  gpus: z.array(hubGpuSchema).max(64),
  cpuModel: z.string().max(128).optional(),
  cpuCores: z.number().int().min(0).max(4096).optional(),
  ramMiB: z.number().int().min(0).max(1 << 30).optional(),
  os: z.string().max(128).optional(),
});
export type WorkerHardware = z.infer<typeof workerHardwareSchema>;

/** A weekly window in UTC when an offer takes new leases; no windows = always. */
export const scheduleWindowSchema = z
  .object({
    /** 0 = Sunday … 6 = Saturday (UTC). */
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    startMinuteUtc: z.number().int().min(0).max(1439),
    endMinuteUtc: z.number().int().min(1).max(1440),
  })
  .refine((w) => w.endMinuteUtc > w.startMinuteUtc, { message: 'a schedule window must end after it starts' });
export type ScheduleWindow = z.infer<typeof scheduleWindowSchema>;

export const regionSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'a region is lower-case letters, digits and dashes, e.g. "eu-west"');

export const MAX_GPUS_PER_OFFER = 16;

/** What a worker publishes: some of its GPUs (all of one model) on terms. */
export const offerTermsSchema = z
  .object({
    gpuUuids: z.array(idText(96)).min(1).max(MAX_GPUS_PER_OFFER),
    pricePerGpuHour: baseUnitsSchema,
    minLeaseMs: z.number().int().min(0).max(365 * 86_400_000),
    maxLeaseMs: z.number().int().min(1).max(365 * 86_400_000),
    interruptible: z.boolean(),
    schedule: z.array(scheduleWindowSchema).max(28).default([]),
    /** The owner lets jobs run as root when the renter asks; only such offers take root jobs. */
    allowsRootJobs: z.boolean().optional(),
    /**
     * Internet egress for the job, base units of the payment token per node-hour on top of
     * the GPU price; null or absent = not offered (jobs reach only their lease's peers).
     */
    egressPricePerHour: baseUnitsSchema.nullable().optional(),
  })
  .refine((o) => o.pricePerGpuHour !== '0', { message: 'the price must be at least 1 base unit per GPU-hour' })
  .refine((o) => o.maxLeaseMs >= o.minLeaseMs, { message: 'the maximum lease must not be shorter than the minimum' })
  .refine((o) => new Set(o.gpuUuids).size === o.gpuUuids.length, { message: 'an offer lists each GPU once' });
export type OfferTerms = z.output<typeof offerTermsSchema>;
export type OfferTermsInput = z.input<typeof offerTermsSchema>;

/** An offer as the hub holds it: the terms plus what the hub knows about the GPUs. */
export const offerSchema = z.object({
  offerId: idText(64),
  workerId: idText(64),
  supplier: solanaAddressSchema,
  gpuModel: idText(96),
  vramMiB: z.number().int().min(0),
  terms: offerTermsSchema,
  updatedAtMs: z.number().int(),
});
export type Offer = z.infer<typeof offerSchema>;

export const OFFER_SORTS = ['price', 'reliability', 'performance'] as const;
export type OfferSort = (typeof OFFER_SORTS)[number];

/** Query-string values arrive as text, so numbers and booleans are coerced here. */
const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

export const offerSearchQuerySchema = z.object({
  /** Case-insensitive part of the model name: "4090" finds "NVIDIA GeForce RTX 4090". */
  gpuModel: z.string().min(1).max(96).optional(),
  minVramMiB: z.coerce.number().int().min(0).optional(),
  /** GPUs free on one machine (offer), at least. */
  minGpus: z.coerce.number().int().min(1).max(MAX_GPUS_PER_OFFER).optional(),
  maxPricePerGpuHour: baseUnitsSchema.optional(),
  minReliability: z.coerce.number().min(0).max(1).optional(),
  interruptible: queryBoolean.optional(),
  region: regionSchema.optional(),
  sort: z.enum(OFFER_SORTS).default('price'),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OfferSearchQuery = z.output<typeof offerSearchQuerySchema>;
export type OfferSearchQueryInput = z.input<typeof offerSearchQuerySchema>;

/** The same query as a client writes it (numbers and booleans; sent as query-string text). */
export interface OfferSearchParams {
  gpuModel?: string;
  minVramMiB?: number;
  minGpus?: number;
  maxPricePerGpuHour?: string;
  minReliability?: number;
  interruptible?: boolean;
  region?: string;
  sort?: OfferSort;
  offset?: number;
  limit?: number;
}

/** One search result. `reliability` is 0…1; `performance` is FP32 TFLOPS per GPU (0 if unknown). */
export interface OfferListing {
  offerId: string;
  workerId: string;
  supplier: string;
  gpuModel: string;
  vramMiB: number;
  gpuCount: number;
  freeGpus: number;
  /** Base units of `token` (the hub's payment token). */
  pricePerGpuHour: string;
  token: string;
  interruptible: boolean;
  minLeaseMs: number;
  maxLeaseMs: number;
  region: string;
  reliability: number;
  /** True while nothing is known of the machine yet: `reliability` is only the hub's prior, shown as "new". Absent from older hubs. */
  newMachine?: boolean;
  performance: number;
  /** Internet egress for jobs, base units of `token` per machine-hour; absent = not offered. */
  egressPricePerHour?: string;
}

export interface OfferSearchPage {
  offers: OfferListing[];
  /** Pass as `offset` for the next page; null when there is none. */
  nextOffset: number | null;
}
