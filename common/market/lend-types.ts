import { z } from 'zod';
import { baseUnitsSchema } from '../hub/base-units';
import { regionSchema, scheduleWindowSchema } from '../hub/market-types';
import type { Offer, ScheduleWindow } from '../hub/market-types';

/**
 * What the owner of this machine offers and the limits it guards: stored in settings
 * (`lendTerms`), published to the hub as one offer per GPU model while sharing is on.
 * Money in base units of the network's payment token (decimal strings), time in ms, temperatures in °C.
 */
export const lendTermsSchema = z
  .object({
    /** Price per GPU-hour in payment-token base units ("450000" = 0.45 USDC). */
    pricePerGpuHour: baseUnitsSchema.refine((v) => v !== '0', 'the price must be at least 1 base unit per GPU-hour'),
    /** Interruptible: cheaper, and the owner may take the GPU back (gaming) mid-lease. */
    interruptible: z.boolean(),
    minLeaseMs: z.number().int().min(0).max(365 * 86_400_000),
    maxLeaseMs: z.number().int().min(60_000).max(365 * 86_400_000),
    /** Weekly windows (UTC) when new leases are taken; empty = always. Running leases finish. */
    schedule: z.array(scheduleWindowSchema).max(28),
    /** Above this for 10 s the job's containers are paused; they resume below it − 5 °C. */
    maxTemperatureC: z.number().int().min(50).max(100),
    /** What the owner pays for electricity, payment-token base units per kWh (for net earnings). */
    electricityPricePerKwh: baseUnitsSchema,
    /** GPUs to share (their ids); empty = every lendable GPU detected. */
    gpuUuids: z.array(z.string().min(1).max(96)).max(64),
    region: regionSchema,
    /**
     * The wallet that signs in as this machine's supplier and receives its payments; ''
     * = the active wallet when sharing starts (then kept, so switching the active wallet
     * to rent does not change who the supplier is).
     */
    payoutAddress: z.string().max(44),
    /**
     * Jobs may run as root when their renter asks (off: every job runs as its image's
     * unprivileged user, or nobody). Root in a container without capabilities is still
     * root over the job's own files and any kernel bug's reach, hence off by default.
     */
    allowRootJobs: z.boolean().optional(),
    /**
     * Internet access for renters' jobs, payment-token base units per node-hour on top of the
     * GPU price; null = not offered (the default: a job reaches only its lease's peers).
     */
    egressPricePerHour: baseUnitsSchema.nullable().optional(),
  })
  .strict()
  .refine((t) => t.maxLeaseMs >= t.minLeaseMs, { message: 'the maximum lease must not be shorter than the minimum' });
export type LendTerms = z.output<typeof lendTermsSchema>;

export const DEFAULT_LEND_TERMS: LendTerms = {
  pricePerGpuHour: '450000',
  interruptible: false,
  minLeaseMs: 0,
  maxLeaseMs: 7 * 86_400_000,
  schedule: [],
  maxTemperatureC: 83,
  electricityPricePerKwh: '150000',
  gpuUuids: [],
  region: 'local',
  payoutAddress: '',
  allowRootJobs: false,
  egressPricePerHour: null,
};

/** What the owner approves when starting to sell internet access (the wallet's consent prompt). */
export const EGRESS_CONSENT_TEXT = 'reach the internet through your connection (egress you sell)';

/** Whether new terms start selling egress that the current ones do not: the owner confirms that. */
export function startsSellingEgress(next: Pick<LendTerms, 'egressPricePerHour'>, now: Pick<LendTerms, 'egressPricePerHour'>): boolean {
  return next.egressPricePerHour != null && now.egressPricePerHour == null;
}

/** Hysteresis of the thermal guard: resume only this far below the maximum. */
export const THERMAL_RESUME_MARGIN_C = 5;
/** How long a GPU must stay above the maximum before its job is paused. */
export const THERMAL_PAUSE_AFTER_MS = 10_000;
/**
 * A job paused for heat longer than this is ended on the supplier's side and the unused
 * paid time since the pause is refunded to the renter (issue 13/17): a renter should not
 * pay for a GPU that stays too hot to run.
 */
export const THERMAL_PAUSE_GRACE_MS = 5 * 60_000;

/** The supplier session as the tray and the Lend view show it. */
export type SupplierState = 'off' | 'connecting' | 'sharing' | 'running' | 'paused-hot' | 'error';

export type SupplierLeaseState = 'assigned' | 'verifying' | 'pulling' | 'running' | 'paused-hot' | 'ended';

/** One lease on this machine, as its supplier sees it. */
export interface SupplierLease {
  leaseId: string;
  renter: string;
  rank: number;
  worldSize: number;
  gpuUuids: string[];
  image: string;
  state: SupplierLeaseState;
  /** The local worker job running it (null before the first payment verified). */
  jobId: string | null;
  paidThroughMs: number | null;
  /** Verified payments of this lease so far, base units. */
  earned: string;
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** Why it ended (hub's reason or this machine's), or why it is paused. */
  message: string | null;
  /** This machine's GPU check for the lease before it was paid (issue 13), while this app knows it. */
  attestation?: SupplierAttestation;
}

/** A node's GPU check as its supplier sees it: what happened and, when it failed, what to do. */
export interface SupplierAttestation {
  state: 'preparing' | 'ready' | 'attesting' | 'passed' | 'failed';
  passed: boolean | null;
  /** The stable reason code when it failed (attestation_late, attestation_wrong_row, …). */
  reason: string | null;
  message: string;
  /** Plain-words advice when it failed (common/attestation's supplierAdvice). */
  advice: string | null;
  atMs: number;
}

export interface ThermalGuardState {
  maxTemperatureC: number;
  /** The hottest shared GPU's last reading (null before telemetry). */
  hottestC: number | null;
  /** Paused because of heat since this time; null when not paused. */
  pausedSinceMs: number | null;
  /** Above the maximum since this time (the 10 s count-down); null when not above. */
  hotSinceMs: number | null;
}

export interface SupplierStatus {
  state: SupplierState;
  /** What the state means in words, and the fix when it is 'error'. */
  message: string;
  sharingEnabled: boolean;
  hubUrl: string | null;
  workerId: string | null;
  /** GPUs this machine offers (after `gpuUuids` and detection). */
  sharedGpuUuids: string[];
  offers: Offer[];
  leases: SupplierLease[];
  guard: ThermalGuardState;
  /** Whether the schedule takes new leases right now. */
  scheduleOpen: boolean;
  /** Verified payments since local midnight, base units. */
  todayEarned: string;
  /** Renters' streams open into this machine's containers now (issue 12): what, whose lease, since when. */
  accessStreams?: Array<{ leaseId: string; rank: number; kind: 'terminal' | 'forward' | 'upload' | 'download'; sinceMs: number }>;
}

/** A desktop notification (the tray shows it; the UI may toast it). */
export interface LendNotice {
  kind: 'job-started' | 'job-ended' | 'payment' | 'refund' | 'overheat' | 'cooled' | 'refused' | 'attestation';
  title: string;
  body: string;
  atMs: number;
}

export interface MarketMedian {
  gpuModel: string;
  /** Median price per GPU-hour of offers of this model on the hub, or null when none. */
  medianPricePerGpuHour: string | null;
  offers: number;
}

export type { ScheduleWindow };
