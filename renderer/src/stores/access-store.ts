import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import { UPLOAD_PART_BYTES } from '../../../common/api/access';
import type { AccessForward, AccessTerminal, AccessTerminalClosed, AccessTransfer } from '../../../common/api/access';
import type { ApiClient } from '../../../common/api/client';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

/** A terminal as the lease view shows it: open, or closed with why. */
export interface TerminalTab extends AccessTerminal {
  closed: AccessTerminalClosed | null;
}

/** A file the page is handing to the app (its bytes, part by part) before the app sends it to the node. */
export interface StagingUpload {
  uploadId: string;
  leaseId: string;
  rank: number;
  name: string;
  remotePath: string;
  totalBytes: number;
  stagedBytes: number;
  error: string | null;
}

/** Transfers kept for the lease view (the newest). */
const KEPT_TRANSFERS = 50;

/**
 * The renter's terminals and port forwards on its nodes. Output is not kept in the state (a busy shell
 * would re-render every view): each terminal component subscribes to its own output
 * with `onOutput`, and output that arrives before it mounts is held for it.
 */
export interface AccessStoreState {
  terminals: TerminalTab[];
  forwards: AccessForward[];
  opening: { leaseId: string; rank: number } | null;
  forwarding: boolean;
  error: string | null;

  start(): () => void;
  openTerminal(leaseId: string, rank: number, cols: number, rows: number): Promise<TerminalTab | null>;
  input(terminalId: string, data: string): void;
  resize(terminalId: string, cols: number, rows: number): void;
  closeTerminal(terminalId: string): void;
  /** Forgets a closed terminal's tab. */
  dismiss(terminalId: string): void;
  onOutput(terminalId: string, listener: (data: string) => void): () => void;
  dismissError(): void;
  openForward(leaseId: string, rank: number, port: number, localPort?: number): Promise<AccessForward | null>;
  closeForward(forwardId: string): void;
  /** Downloads each node's /outputs as a tar; the saved paths, or null on failure (see `error`). */
  downloadOutputs(leaseId: string, ranks: number[]): Promise<string[] | null>;
  downloadingOutputs: string | null;
  /**
   * Leases whose outputs this app downloaded (every node asked for), with when and where:
   * the lease view warns "outputs not downloaded" after the end of any other lease that ran.
   */
  outputsDownloaded: Record<string, { atMs: number; paths: string[] }>;
  /** Uploads and downloads as `access:transfer` reports them, newest last. */
  transfers: AccessTransfer[];
  /** Files dropped or picked in the page, on their way to the app. */
  staging: StagingUpload[];
  /** Uploads a file the page holds to `remoteDir/<its name>` on node `rank`; the transfer when it is there, or null (see the staging entry's error). */
  uploadFile(leaseId: string, rank: number, remoteDir: string, file: Blob & { name: string }): Promise<AccessTransfer | null>;
  /** Downloads `remotePath` of node `rank` into the Downloads folder; the transfer, or null (see `error`). */
  downloadFile(leaseId: string, rank: number, remotePath: string): Promise<AccessTransfer | null>;
  dismissStaging(uploadId: string): void;
}

export type AccessStore = StoreApi<AccessStoreState>;

/** Output held for a terminal whose view is not mounted (characters, per terminal). */
const HELD_OUTPUT_CHARS = 256 * 1024;

/** Where the record of downloaded outputs survives a reload or restart (the page's localStorage). */
export type OutputsRecordStorage = Pick<Storage, 'getItem' | 'setItem'>;
const OUTPUTS_RECORD_KEY = 'idlegrid.outputsDownloaded';
/** Leases remembered (the newest): an ended lease's warning matters for a while, not forever. */
const KEPT_OUTPUT_RECORDS = 200;

function loadOutputsRecord(storage: OutputsRecordStorage | null): AccessStoreState['outputsDownloaded'] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(OUTPUTS_RECORD_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as AccessStoreState['outputsDownloaded']) : {};
  } catch {
    return {}; // a damaged record: warn rather than stay silent
  }
}

export function createAccessStore(client: ApiClient, storage: OutputsRecordStorage | null = null): AccessStore {
  const listeners = new Map<string, Set<(data: string) => void>>();
  const held = new Map<string, string>();
  let uploadSeq = 0;

  return createStore<AccessStoreState>()((set, get) => ({
    terminals: [],
    forwards: [],
    opening: null,
    forwarding: false,
    downloadingOutputs: null,
    outputsDownloaded: loadOutputsRecord(storage),
    transfers: [],
    staging: [],
    error: null,

    start: startOnce(() => {
      const offOutput = client.subscribe('access:terminal-output', ({ terminalId, data }) => {
        const set = listeners.get(terminalId);
        if (set && set.size > 0) for (const l of set) l(data);
        else held.set(terminalId, ((held.get(terminalId) ?? '') + data).slice(-HELD_OUTPUT_CHARS));
      });
      const offClosed = client.subscribe('access:terminal-closed', (closed) => {
        set({ terminals: get().terminals.map((t) => (t.terminalId === closed.terminalId ? { ...t, closed } : t)) });
      });
      void client.call('access:terminals', {}).then(
        (open) => set({ terminals: open.map((t) => ({ ...t, closed: null })) }),
        () => undefined,
      );
      const offForwards = client.subscribe('access:forwards', (forwards) => set({ forwards }));
      void client.call('access:forwards', {}).then(
        (forwards) => set({ forwards }),
        () => undefined,
      );
      const offTransfer = client.subscribe('access:transfer', (transfer) => {
        const others = get().transfers.filter((t) => t.transferId !== transfer.transferId);
        set({ transfers: [...others, transfer].slice(-KEPT_TRANSFERS) });
      });
      return [offOutput, offClosed, offForwards, offTransfer];
    }),

    async openTerminal(leaseId, rank, cols, rows) {
      set({ opening: { leaseId, rank }, error: null });
      try {
        const opened = await client.call('access:terminal-open', { leaseId, rank, cols, rows });
        const tab: TerminalTab = { ...opened, closed: null };
        set({ terminals: [...get().terminals, tab], opening: null });
        return tab;
      } catch (error) {
        set({ opening: null, error: errorMessage(error) });
        return null;
      }
    },

    input(terminalId, data) {
      void client.call('access:terminal-input', { terminalId, data }).catch((error: unknown) => set({ error: errorMessage(error) }));
    },

    resize(terminalId, cols, rows) {
      void client.call('access:terminal-resize', { terminalId, cols, rows }).catch(() => undefined);
    },

    closeTerminal(terminalId) {
      void client.call('access:terminal-close', { terminalId }).catch(() => undefined);
    },

    dismiss(terminalId) {
      held.delete(terminalId);
      set({ terminals: get().terminals.filter((t) => t.terminalId !== terminalId) });
    },

    onOutput(terminalId, listener) {
      let set = listeners.get(terminalId);
      if (!set) listeners.set(terminalId, (set = new Set()));
      set.add(listener);
      const waiting = held.get(terminalId);
      if (waiting) {
        held.delete(terminalId);
        listener(waiting);
      }
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(terminalId);
      };
    },

    dismissError() {
      set({ error: null });
    },

    async openForward(leaseId, rank, port, localPort) {
      set({ forwarding: true, error: null });
      try {
        const forward = await client.call('access:forward-open', { leaseId, rank, port, ...(localPort !== undefined ? { localPort } : {}) });
        set({ forwarding: false, forwards: [...get().forwards.filter((f) => f.forwardId !== forward.forwardId), forward] });
        return forward;
      } catch (error) {
        set({ forwarding: false, error: errorMessage(error) });
        return null;
      }
    },

    async downloadOutputs(leaseId, ranks) {
      set({ downloadingOutputs: leaseId, error: null });
      try {
        const done = await client.call('access:download-outputs', { leaseId, ranks });
        const paths = done.map((t) => t.localPath);
        const kept = Object.entries({ ...get().outputsDownloaded, [leaseId]: { atMs: Date.now(), paths } })
          .sort(([, a], [, b]) => a.atMs - b.atMs)
          .slice(-KEPT_OUTPUT_RECORDS);
        const outputsDownloaded = Object.fromEntries(kept);
        set({ downloadingOutputs: null, outputsDownloaded });
        try {
          storage?.setItem(OUTPUTS_RECORD_KEY, JSON.stringify(outputsDownloaded));
        } catch {
          // storage full or refused: the record lasts this session only
        }
        return paths;
      } catch (error) {
        set({ downloadingOutputs: null, error: errorMessage(error) });
        return null;
      }
    },

    async uploadFile(leaseId, rank, remoteDir, file) {
      const uploadId = `up-${++uploadSeq}`;
      const remotePath = `${remoteDir.replace(/\/+$/, '')}/${file.name}`;
      const update = (change: Partial<StagingUpload>) => set({ staging: get().staging.map((u) => (u.uploadId === uploadId ? { ...u, ...change } : u)) });
      set({ staging: [...get().staging, { uploadId, leaseId, rank, name: file.name, remotePath, totalBytes: file.size, stagedBytes: 0, error: null }] });
      let stageId: string | null = null;
      try {
        stageId = (await client.call('access:upload-begin', { leaseId, rank, remotePath, totalBytes: file.size })).stageId;
        for (let offset = 0; offset < file.size; offset += UPLOAD_PART_BYTES) {
          const part = new Uint8Array(await file.slice(offset, offset + UPLOAD_PART_BYTES).arrayBuffer());
          const { written } = await client.call('access:upload-part', { stageId, offset, data: toBase64(part) });
          update({ stagedBytes: written });
        }
        // From here `access:transfer` reports the progress to the node.
        set({ staging: get().staging.filter((u) => u.uploadId !== uploadId) });
        const sent = await client.call('access:upload-send', { stageId });
        return sent;
      } catch (error) {
        if (stageId !== null && get().staging.some((u) => u.uploadId === uploadId)) void client.call('access:upload-cancel', { stageId }).catch(() => undefined);
        if (get().staging.some((u) => u.uploadId === uploadId)) update({ error: errorMessage(error) });
        else set({ error: errorMessage(error) });
        return null;
      }
    },

    async downloadFile(leaseId, rank, remotePath) {
      set({ error: null });
      try {
        return await client.call('access:download', { leaseId, rank, remotePath });
      } catch (error) {
        set({ error: errorMessage(error) });
        return null;
      }
    },

    dismissStaging(uploadId) {
      set({ staging: get().staging.filter((u) => u.uploadId !== uploadId) });
    },

    closeForward(forwardId) {
      set({ forwards: get().forwards.filter((f) => f.forwardId !== forwardId) });
      void client.call('access:forward-close', { forwardId }).catch(() => undefined);
    },
  }));
}

/** Base64 of bytes, in slices (a whole part spread into one call could overflow the stack). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
