import { formatAmount, parseAmount } from '../../../../common/money/amount-text';
import type { TokenUnit } from '../../../../common/money/token';
import { PAYMENT_TOKEN } from '../../../../common/money/token-registry';
import { lendTermsSchema } from '../../../../common/market/lend-types';
import { regionSchema } from '../../../../common/hub/market-types';
import type { LendTerms } from '../../../../common/market/lend-types';
import { clockToMinutes, minutesToClock } from '../../format/market-format';
import { localOffsetMinutes, localToUtc, utcToLocal } from './schedule-local';

const HOUR_MS = 3_600_000;

export interface ScheduleWindowDraft {
  /** 0 = Sunday … 6 = Saturday, in the owner's local time (the terms store UTC: schedule-local.ts). */
  days: number[];
  start: string;
  end: string;
}

/**
 * The offer terms as the form holds them: text as typed, in the units people think in
 * (the payment token, hours, HH:MM), turned into `LendTerms` (base units, ms, minutes) only on save.
 */
export interface TermsDraft {
  price: string;
  interruptible: boolean;
  minLeaseHours: string;
  maxLeaseHours: string;
  schedule: ScheduleWindowDraft[];
  maxTemperatureC: string;
  electricityPrice: string;
  /** Empty = every lendable GPU detected. */
  gpuUuids: string[];
  /** Where renters see this machine ("eu-west"); "local" until sharing starts or the owner sets one. */
  region: string;
  /** Internet access for renters' jobs, payment token per machine-hour; '' = not offered. */
  egressPrice: string;
}

export type TermsField = keyof TermsDraft | `schedule.${number}`;
export type TermsErrors = Partial<Record<TermsField, string>>;

/**
 * `token`: the network's payment token, the unit of the prices. `offsetMinutes`: this
 * machine's offset from UTC (minutes east): schedules are shown in local time.
 */
export function draftFromTerms(terms: LendTerms, token: TokenUnit = PAYMENT_TOKEN, offsetMinutes: number = localOffsetMinutes()): TermsDraft {
  return {
    price: formatAmount({ token, baseUnits: BigInt(terms.pricePerGpuHour) }, { grouping: false }),
    interruptible: terms.interruptible,
    minLeaseHours: hoursText(terms.minLeaseMs),
    maxLeaseHours: hoursText(terms.maxLeaseMs),
    schedule: utcToLocal(terms.schedule, offsetMinutes).map((w) => ({ days: w.days, start: minutesToClock(w.startMinute), end: minutesToClock(w.endMinute) })),
    maxTemperatureC: String(terms.maxTemperatureC),
    electricityPrice: formatAmount({ token, baseUnits: BigInt(terms.electricityPricePerKwh) }, { grouping: false }),
    gpuUuids: [...terms.gpuUuids],
    region: terms.region,
    egressPrice: terms.egressPricePerHour == null ? '' : formatAmount({ token, baseUnits: BigInt(terms.egressPricePerHour) }, { grouping: false }),
  };
}

function hoursText(ms: number): string {
  return String(Math.round((ms / HOUR_MS) * 100) / 100);
}

function parseHours(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) && value >= 0 ? Math.round(value * HOUR_MS) : null;
}

/**
 * Checks the draft the way main will (`lendTermsSchema`), with messages that name the
 * field and say what to enter. `base` gives what the form does not edit (region, payout).
 */
export function termsFromDraft(draft: TermsDraft, base: LendTerms, token: TokenUnit = PAYMENT_TOKEN, offsetMinutes: number = localOffsetMinutes()): { terms: LendTerms | null; errors: TermsErrors } {
  const errors: TermsErrors = {};

  const price = parseAmount(draft.price, token);
  if (!price.ok) errors.price = `Price: ${price.error}`;
  else if (price.baseUnits === 0n) errors.price = `Price: enter more than 0 ${token.symbol} per GPU-hour.`;

  // Empty = egress not offered; 0 = offered free of charge.
  const egress = draft.egressPrice.trim() === '' ? null : parseAmount(draft.egressPrice, token);
  if (egress && !egress.ok) errors.egressPrice = `Internet access price: ${egress.error} Leave it empty to not offer internet access.`;

  const electricity = parseAmount(draft.electricityPrice, token);
  if (!electricity.ok) errors.electricityPrice = `Electricity price: ${electricity.error} Enter 0 if it is free.`;

  const minLeaseMs = parseHours(draft.minLeaseHours);
  const maxLeaseMs = parseHours(draft.maxLeaseHours);
  const yearMs = 365 * 86_400_000;
  if (minLeaseMs === null || minLeaseMs > yearMs) errors.minLeaseHours = 'Minimum lease: enter hours from 0 to 8760 (0 = no minimum).';
  if (maxLeaseMs === null || maxLeaseMs < 60_000 || maxLeaseMs > yearMs) errors.maxLeaseHours = 'Maximum lease: enter hours from 0.02 (one minute) to 8760.';
  if (minLeaseMs !== null && maxLeaseMs !== null && !errors.minLeaseHours && !errors.maxLeaseHours && maxLeaseMs < minLeaseMs) {
    errors.maxLeaseHours = 'Maximum lease: must not be shorter than the minimum.';
  }

  const maxTemperatureC = Number(draft.maxTemperatureC.trim());
  if (!Number.isInteger(maxTemperatureC) || maxTemperatureC < 50 || maxTemperatureC > 100) {
    errors.maxTemperatureC = 'Maximum temperature: enter a whole number of °C from 50 to 100.';
  }

  const localWindows = draft.schedule.map((w, i) => {
    const startMinute = clockToMinutes(w.start);
    const endMinute = clockToMinutes(w.end);
    if (w.days.length === 0) errors[`schedule.${i}`] = 'Pick at least one day for this window.';
    else if (startMinute === null || endMinute === null) errors[`schedule.${i}`] = 'Enter times as HH:MM in your local time, e.g. 22:00 to 24:00.';
    else if (endMinute <= startMinute) {
      errors[`schedule.${i}`] = 'The window must end after it starts; for a night, use two windows (22:00–24:00 and 00:00–06:00).';
    }
    return { days: [...new Set(w.days)], startMinute: startMinute ?? 0, endMinute: endMinute ?? 0 };
  });
  // Stored in UTC, where a local window may fall on two days.
  const schedule = localToUtc(localWindows, offsetMinutes);
  if (draft.schedule.length > 28) errors.schedule = 'At most 28 schedule windows.';

  const region = draft.region.trim().toLowerCase();
  if (!regionSchema.safeParse(region).success) errors.region = 'Region: use lower-case letters, digits and dashes, up to 32, e.g. eu-west.';

  if (Object.keys(errors).length > 0 || !price.ok || !electricity.ok || minLeaseMs === null || maxLeaseMs === null) {
    return { terms: null, errors };
  }
  const terms: LendTerms = {
    ...base,
    pricePerGpuHour: price.baseUnits.toString(),
    interruptible: draft.interruptible,
    minLeaseMs,
    maxLeaseMs,
    schedule,
    maxTemperatureC,
    electricityPricePerKwh: electricity.baseUnits.toString(),
    gpuUuids: [...draft.gpuUuids],
    region,
    egressPricePerHour: egress && egress.ok ? egress.baseUnits.toString() : null,
  };
  // Main checks again; this catches anything the messages above missed before the round trip.
  const checked = lendTermsSchema.safeParse(terms);
  if (!checked.success) return { terms: null, errors: { price: checked.error.issues[0]?.message ?? 'These terms are not valid.' } };
  return { terms: checked.data, errors };
}

export function draftsEqual(a: TermsDraft, b: TermsDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
