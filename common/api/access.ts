import { z } from 'zod';
import { call, event } from './define';

const terminalId = z.string().min(1).max(64);
const size = { cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) };

/** One open terminal of the renter's app. */
export interface AccessTerminal {
  terminalId: string;
  leaseId: string;
  rank: number;
  openedAtMs: number;
}

/** A terminal ended: the shell exited (`exitCode`) or the stream failed (`failed`, with why). */
export interface AccessTerminalClosed {
  terminalId: string;
  reason: string;
  exitCode: number | null;
  failed: boolean;
}

/** Reaching the nodes of the renter's leases (issue 12): terminals today. */
export const accessCalls = {
  /** Opens a shell in node `rank` of the lease (docker exec with a TTY on the supplier's machine, through the hub). */
  'access:terminal-open': call<AccessTerminal>()(z.object({ leaseId: z.string().min(1).max(64), rank: z.number().int().min(0).max(255), ...size }).strict()),
  /** Keystrokes (UTF-8 text as the terminal produced it; control characters included). */
  'access:terminal-input': call<{ ok: true }>()(z.object({ terminalId, data: z.string().min(1).max(64 * 1024) }).strict()),
  'access:terminal-resize': call<{ ok: true }>()(z.object({ terminalId, ...size }).strict()),
  'access:terminal-close': call<{ ok: true }>()(z.object({ terminalId }).strict()),
  'access:terminals': call<AccessTerminal[]>()(z.object({}).strict()),
};

export const accessEvents = {
  /** Output of a terminal, decoded as UTF-8 (a character split across chunks is kept whole). */
  'access:terminal-output': event<{ terminalId: string; data: string }>(),
  'access:terminal-closed': event<AccessTerminalClosed>(),
};
