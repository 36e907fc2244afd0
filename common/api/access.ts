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

/** A port of a node's container, listened on at 127.0.0.1 of the renter's computer. */
export interface AccessForward {
  forwardId: string;
  leaseId: string;
  rank: number;
  /** The container's port. */
  port: number;
  /** Where it listens on this computer (127.0.0.1). */
  localPort: number;
  /** http://127.0.0.1:localPort/ for Open in browser. */
  url: string;
  openedAtMs: number;
  /** Connections carried right now. */
  connections: number;
  /** Why the last connection could not be carried (nothing listening in the container, the lease ended), or null. */
  lastError: string | null;
}

/** A file going to or coming from a node, with its progress. */
export interface AccessTransfer {
  transferId: string;
  kind: 'upload' | 'download';
  leaseId: string;
  rank: number;
  /** In the container. */
  remotePath: string;
  /** On this computer. */
  localPath: string;
  bytes: number;
  /** Known for uploads; a download's size is known when it is done. */
  totalBytes: number | null;
  state: 'running' | 'done' | 'failed';
  error: string | null;
}

/** The most bytes one upload part carries (base64 of it fits a frame of the API's socket). */
export const UPLOAD_PART_BYTES = 128 * 1024;
const stageId = z.string().min(1).max(64);
const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'Expected base64.' });
const containerPath = z.string().min(1).max(1024).startsWith('/');
const localPath = z.string().min(1).max(4096);

/** Reaching the nodes of the renter's leases (issue 12): terminals, port forwards and files. */
export const accessCalls = {
  /** Opens a shell in node `rank` of the lease (docker exec with a TTY on the supplier's machine, through the hub). */
  'access:terminal-open': call<AccessTerminal>()(z.object({ leaseId: z.string().min(1).max(64), rank: z.number().int().min(0).max(255), ...size }).strict()),
  /** Keystrokes (UTF-8 text as the terminal produced it; control characters included). */
  'access:terminal-input': call<{ ok: true }>()(z.object({ terminalId, data: z.string().min(1).max(64 * 1024) }).strict()),
  'access:terminal-resize': call<{ ok: true }>()(z.object({ terminalId, ...size }).strict()),
  'access:terminal-close': call<{ ok: true }>()(z.object({ terminalId }).strict()),
  'access:terminals': call<AccessTerminal[]>()(z.object({}).strict()),
  /**
   * Forwards port `port` of node `rank`'s container to 127.0.0.1:`localPort` here (a free
   * port when omitted). Any port of the renter's own lease may be forwarded, declared or not.
   */
  'access:forward-open': call<AccessForward>()(
    z.object({ leaseId: z.string().min(1).max(64), rank: z.number().int().min(0).max(255), port: z.number().int().min(1).max(65535), localPort: z.number().int().min(1024).max(65535).optional() }).strict(),
  ),
  'access:forward-close': call<{ ok: true }>()(z.object({ forwardId: z.string().min(1).max(64) }).strict()),
  'access:forwards': call<AccessForward[]>()(z.object({}).strict()),
  /** Sends a local file to `remotePath` in node `rank`'s container; resolves when it is there. */
  'access:upload': call<AccessTransfer>()(z.object({ leaseId: z.string().min(1).max(64), rank: z.number().int().min(0).max(255), localPath, remotePath: containerPath }).strict()),
  /** Saves `/outputs` of each of `ranks` as `idlegrid-<lease>-node<N>-outputs.tar` in `toDir` (the Downloads folder by default). */
  'access:download-outputs': call<AccessTransfer[]>()(
    z.object({ leaseId: z.string().min(1).max(64), ranks: z.array(z.number().int().min(0).max(255)).min(1).max(256), toDir: localPath.optional() }).strict(),
  ),
  /**
   * Saves `remotePath` of the container (a file, or a folder as a tar) to `localPath` here;
   * without `localPath`, into the Downloads folder under the path's last name.
   */
  'access:download': call<AccessTransfer>()(z.object({ leaseId: z.string().min(1).max(64), rank: z.number().int().min(0).max(255), remotePath: containerPath, localPath: localPath.optional() }).strict()),
  /**
   * An upload from the page (a dropped or picked file: the page has its bytes, not a path):
   * announce it, send its parts in order (base64, at most UPLOAD_PART_BYTES each), then
   * `upload-send` sends it to the node and resolves like `access:upload`.
   */
  'access:upload-begin': call<{ stageId: string }>()(
    z.object({ leaseId: z.string().min(1).max(64), rank: z.number().int().min(0).max(255), remotePath: containerPath, totalBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
  ),
  'access:upload-part': call<{ written: number }>()(z.object({ stageId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), data: base64(UPLOAD_PART_BYTES) }).strict()),
  'access:upload-send': call<AccessTransfer>()(z.object({ stageId }).strict()),
  /** Gives up a staged upload (the page closed, the user cancelled). */
  'access:upload-cancel': call<{ ok: true }>()(z.object({ stageId }).strict()),
};

export const accessEvents = {
  /** Output of a terminal, decoded as UTF-8 (a character split across chunks is kept whole). */
  'access:terminal-output': event<{ terminalId: string; data: string }>(),
  'access:terminal-closed': event<AccessTerminalClosed>(),
  /** The forwards, whenever one opens, closes, or its connections or last error change. */
  'access:forwards': event<AccessForward[]>(),
  /** A transfer's progress (several a second at most) and its end. */
  'access:transfer': event<AccessTransfer>(),
};
