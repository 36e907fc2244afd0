import type { MeshPairReport } from '../../../../common/mesh/mesh-announcement';
import type { StatusTone } from '../../components/status-pill';

/** Round trip in ms with a precision that suits it: "0.42 ms", "12.3 ms", "180 ms". */
export function formatRtt(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** Bandwidth in bits per second as a person reads it: "940 Mbit/s", "2.1 Gbit/s". */
export function formatBandwidth(bitsPerSecond: number | null): string {
  if (bitsPerSecond === null) return '—';
  if (bitsPerSecond >= 1e9) return `${(bitsPerSecond / 1e9).toFixed(1)} Gbit/s`;
  if (bitsPerSecond >= 1e6) return `${Math.round(bitsPerSecond / 1e6)} Mbit/s`;
  return `${Math.round(bitsPerSecond / 1e3)} kbit/s`;
}

export const PATH_LABEL: Record<MeshPairReport['path'], string> = { direct: 'Direct', relayed: 'Relayed', down: 'No path' };

export function pathTone(path: MeshPairReport['path']): StatusTone {
  return path === 'direct' ? 'ok' : path === 'relayed' ? 'info' : 'error';
}
