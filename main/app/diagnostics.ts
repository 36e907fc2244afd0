import { readFileSync } from 'node:fs';
import { arch, release, type as osType } from 'node:os';
import type { AppInfo, DiagnosticsExport } from '../../common/api/app';
import type { HardwareSnapshot } from '../../common/hardware/detection';
import { SECRET_LOG_KEYS } from '../../common/logger';
import type { DoctorReport } from '../../common/worker/doctor';

export interface DiagnosticsDeps {
  info: AppInfo;
  /** The log files, oldest first (FileLogger.files()). */
  logFiles: () => string[];
  hardware: () => Promise<HardwareSnapshot>;
  doctor: () => DoctorReport | null;
  /** Every wallet address on this machine: each is shortened wherever it appears. */
  walletAddresses: () => string[];
  /** Anything else worth a look (network, settings, market status); scrubbed like the rest. */
  state: () => Record<string, unknown>;
  nowMs: () => number;
}

export interface DiagnosticsOptions {
  /** The newest log lines kept (all files together). */
  maxLogLines?: number;
}

/** A Solana address, signature or key in base58 (32–90 characters): shortened in the bundle wherever it is. */
const BASE58_RUN = /\b[1-9A-HJ-NP-Za-km-z]{32,90}\b/g;
const SECRET_KEYS = new Set(SECRET_LOG_KEYS.map((k) => k.toLowerCase()));

/** `7xKX…AsU9`: enough to tell wallets apart in a report, not enough to name one. */
export function shortenAddress(address: string): string {
  return address.length <= 10 ? address : `${address.slice(0, 4)}…${address.slice(-4)}`;
}

/**
 * The Settings → About "Export diagnostics" file: what a bug report needs (recent log
 * lines, the setup doctor's results, versions, detected hardware, the app's state) as one
 * JSON document. It is scrubbed on the way out, whatever its sources hold: secret-bearing
 * keys are dropped at any depth, wallet addresses and any other base58 run of address
 * length are shortened to first4…last4, and URLs lose their query strings (RPC API keys).
 */
export async function buildDiagnostics(deps: DiagnosticsDeps, options: DiagnosticsOptions = {}): Promise<DiagnosticsExport> {
  const atMs = deps.nowMs();
  const hardware = await deps.hardware().catch((error: unknown) => ({ error: String(error) }));
  const bundle = {
    kind: 'idlegrid-diagnostics',
    generatedAtMs: atMs,
    generatedAt: new Date(atMs).toISOString(),
    versions: {
      app: deps.info.version,
      shell: deps.info.shell,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      os: `${osType()} ${release()}`,
      platform: process.platform,
      arch: arch(),
    },
    hardware,
    doctor: deps.doctor() ?? { note: 'The setup doctor has not run since Idlegrid started; run it in Lend and export again to include it.' },
    state: deps.state(),
    logs: recentLogLines(deps.logFiles(), options.maxLogLines ?? 2_000),
  };
  const scrubbed = scrub(bundle, deps.walletAddresses()) as typeof bundle;
  const stamp = new Date(atMs).toISOString().replace(/[:.]/g, '-');
  return { filename: `idlegrid-diagnostics-${stamp}.json`, json: `${JSON.stringify(scrubbed, null, 2)}\n` };
}

/** The newest `max` lines across the files (oldest first), each parsed where it is JSON. */
function recentLogLines(files: string[], max: number): unknown[] {
  const lines: string[] = [];
  for (let i = files.length - 1; i >= 0 && lines.length < max; i--) {
    let text: string;
    try {
      text = readFileSync(files[i]!, 'utf8');
    } catch {
      continue;
    }
    const fileLines = text.split('\n').filter((l) => l.trim() !== '');
    lines.unshift(...fileLines.slice(Math.max(0, fileLines.length - (max - lines.length))));
  }
  return lines.map((line) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      return line;
    }
  });
}

function scrub(value: unknown, addresses: string[]): unknown {
  if (typeof value === 'string') return scrubText(value, addresses);
  if (Array.isArray(value)) return value.map((v) => scrub(v, addresses));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEYS.has(key.toLowerCase()) ? '[redacted]' : scrub(v, addresses);
    }
    return out;
  }
  return value;
}

function scrubText(text: string, addresses: string[]): string {
  let out = text;
  for (const address of addresses) out = out.split(address).join(shortenAddress(address));
  out = out.replace(BASE58_RUN, (run) => shortenAddress(run));
  return out.replace(/(https?:\/\/[^\s?#"]+)\?[^\s#"]*/g, '$1?[query removed]');
}
