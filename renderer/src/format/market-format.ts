import { MISSING } from './hardware-format';

/** "sig 5h3k…9XzQ": a transaction signature short enough for a table cell. */
export function shortSignature(signature: string): string {
  return signature.length > 16 ? `${signature.slice(0, 6)}…${signature.slice(-6)}` : signature;
}

/** A local date and time, for "paid 12 Mar, 14:03". */
export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return MISSING;
  return new Date(ms).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** A local day for chart axes and tooltips: "12 Mar". */
export function formatDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** "20 s", "45 min", "3 h", "2 h 30 min", "7 d": a lease or increment length. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return 'none';
  // Short increments (private grids, tests) must not read as "0 min".
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48 || rest) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return hours % 24 === 0 ? `${hours / 24} d` : `${hours} h`;
}

/**
 * GPU time in a unit that fits its size, so a paid 10-minute increment never reads
 * "0.00 GPU-hours": "45 GPU-s", "10 GPU-min", "1.25 GPU-h".
 */
export function formatGpuHours(gpuSeconds: number): string {
  if (!Number.isFinite(gpuSeconds) || gpuSeconds <= 0) return '0 GPU-h';
  if (gpuSeconds < 60) return `${Math.round(gpuSeconds)} GPU-s`;
  if (gpuSeconds < 3600) return `${Math.round(gpuSeconds / 60)} GPU-min`;
  return `${(gpuSeconds / 3600).toFixed(2)} GPU-h`;
}

/** Energy in a unit that fits its size, never "0.000 kWh" for a paid increment: "0.4 Wh", "35 Wh", "1.250 kWh". */
export function formatKwh(energyWh: number): string {
  if (!Number.isFinite(energyWh) || energyWh <= 0) return '0 Wh';
  if (energyWh < 10) return `${(Math.round(energyWh * 10) / 10).toFixed(1)} Wh`;
  if (energyWh < 1000) return `${Math.round(energyWh)} Wh`;
  return `${(energyWh / 1000).toFixed(3)} kWh`;
}

/** A 0…1 share as a whole percentage. */
export function formatShare(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)} %` : MISSING;
}

/** Minutes since midnight (UTC) → "HH:MM"; 1440 → "24:00". */
export function minutesToClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "HH:MM" → minutes since midnight, "24:00" allowed; null when it is not a time. */
export function clockToMinutes(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}
