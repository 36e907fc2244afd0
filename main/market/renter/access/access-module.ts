import type { accessCalls } from '../../../../common/api/access';
import type { AccessForward, AccessTerminal, AccessTerminalClosed, AccessTransfer } from '../../../../common/api/access';
import { ApiError } from '../../../../common/api/errors';
import type { Event } from '../../../../common/event';
import { DisposableStore } from '../../../../common/lifecycle';
import type { Logger } from '../../../../common/logger';
import { RenterAccessClient } from '../../../../hub-client/renter-access-client';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Module } from '../../../app/module';
import type { DomainHandlers } from '../../../transport/api-handlers';
import type { WalletModule } from '../../../wallet/wallet-module';
import type { MarketHub } from '../../market-hub';
import { RenterTerminals } from './renter-terminals';
import { RenterForwards } from './renter-forwards';
import { RenterFiles } from './renter-files';
import { UploadStaging } from './upload-staging';
import type { RentLease } from '../../../../common/market/rent-types';

/** Where outputs go unless the caller says: the user's Downloads folder, or home without one. */
function defaultDownloadsDir(): string {
  const downloads = join(homedir(), 'Downloads');
  return existsSync(downloads) ? downloads : homedir();
}

/** A download's local name: the remote path's last part (`/` alone: `root`), made safe for a file name. */
export function downloadName(remotePath: string): string {
  const last = remotePath.split('/').filter(Boolean).pop() ?? 'root';
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return safe || 'download';
}

/** `dir/name`, or `dir/name (2)`… when taken: a download never replaces a file the user has. */
function freePath(dir: string, name: string): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; n <= 1000; n++) {
    const candidate = join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
  return join(dir, `${stem}-${Date.now()}${ext}`);
}

export interface AccessModuleDeps {
  hub: MarketHub;
  wallet: WalletModule;
  logger: Logger;
  nowMs: () => number;
  /** The renter's leases as they change: forwards of an ended lease are closed. */
  onDidChangeLease: Event<RentLease>;
}

export interface AccessModule extends Module {
  readonly handlers: DomainHandlers<typeof accessCalls>;
  readonly terminals: RenterTerminals;
  readonly onTerminalOutput: Event<{ terminalId: string; data: string }>;
  readonly onTerminalClosed: Event<AccessTerminalClosed>;
  readonly forwards: RenterForwards;
  readonly onDidChangeForwards: Event<AccessForward[]>;
  readonly onTransfer: Event<AccessTransfer>;
}

/**
 * The renter reaching its nodes (issue 12): one access socket to the current hub as the
 * active wallet (opened on the first stream; every request signed by that wallet), and
 * the terminals and port forwards over it. A change of hub or wallet closes them all, and
 * a lease's forwards close when it ends.
 */
export function createAccessModule(d: AccessModuleDeps): AccessModule {
  const terminals = new RenterTerminals(d.nowMs);
  const forwards = new RenterForwards(d.nowMs, d.logger);
  const files = new RenterFiles();
  const staging = new UploadStaging();
  const disposables = new DisposableStore({ name: 'access' });
  let client: { key: string; access: RenterAccessClient } | null = null;

  const current = (): RenterAccessClient => {
    const status = d.hub.status();
    const address = d.wallet.vault.activeAddress();
    if (status.status !== 'ready' || !status.hubUrl) throw new ApiError('unavailable', 'The market hub is not connected; nodes can be reached once it is.', 'hub_not_ready');
    if (!address) throw new ApiError('conflict', 'Create or choose a wallet first: it signs every request to reach a node.', 'wallet_missing');
    const key = `${status.hubUrl}|${address}`;
    if (client?.key !== key) {
      closeAll();
      client = {
        key,
        access: new RenterAccessClient({
          hubUrl: status.hubUrl,
          address,
          token: () => d.hub.token(address, 'renter'),
          sign: (message) => d.wallet.service.signAccessRequest(address, message),
        }),
      };
    }
    return client.access;
  };

  const closeAll = (): void => {
    terminals.closeAll();
    forwards.closeWhere(() => true);
    client?.access.dispose();
    client = null;
  };

  const whenChanged = (): void => {
    const status = d.hub.status();
    const key = status.status === 'ready' && status.hubUrl ? `${status.hubUrl}|${d.wallet.vault.activeAddress() ?? ''}` : null;
    if (client && client.key !== key) closeAll();
  };

  const handlers: DomainHandlers<typeof accessCalls> = {
    'access:terminal-open': async ({ leaseId, rank, cols, rows }): Promise<AccessTerminal> => {
      const access = current();
      const opened = await terminals.open(access, leaseId, rank, cols, rows);
      d.logger.info({ leaseId, rank, terminalId: opened.terminalId }, 'terminal opened');
      return opened;
    },
    'access:terminal-input': ({ terminalId, data }) => {
      terminals.input(terminalId, data);
      return { ok: true };
    },
    'access:terminal-resize': ({ terminalId, cols, rows }) => {
      terminals.resize(terminalId, cols, rows);
      return { ok: true };
    },
    'access:terminal-close': ({ terminalId }) => {
      terminals.close(terminalId);
      return { ok: true };
    },
    'access:terminals': () => terminals.list(),
    'access:forward-open': async ({ leaseId, rank, port, localPort }) => {
      const opened = await forwards.open(current(), leaseId, rank, port, localPort);
      d.logger.info({ leaseId, rank, port, localPort: opened.localPort }, 'port forward listening');
      return opened;
    },
    'access:forward-close': ({ forwardId }) => {
      forwards.close(forwardId);
      return { ok: true };
    },
    'access:forwards': () => forwards.list(),
    'access:upload': ({ leaseId, rank, localPath, remotePath }) => files.upload(current(), leaseId, rank, localPath, remotePath),
    'access:download': ({ leaseId, rank, remotePath, localPath }) => files.download(current(), leaseId, rank, remotePath, localPath ?? freePath(defaultDownloadsDir(), downloadName(remotePath))),
    'access:upload-begin': ({ leaseId, rank, remotePath, totalBytes }) => staging.begin(leaseId, rank, remotePath, totalBytes).then((stageId) => ({ stageId })),
    'access:upload-part': ({ stageId, offset, data }) => staging.part(stageId, offset, Buffer.from(data, 'base64')).then((written) => ({ written })),
    'access:upload-send': async ({ stageId }) => {
      try {
        const staged = await staging.finish(stageId);
        return await files.upload(current(), staged.leaseId, staged.rank, staged.path, staged.remotePath);
      } finally {
        await staging.remove(stageId);
      }
    },
    'access:upload-cancel': async ({ stageId }) => {
      await staging.remove(stageId);
      return { ok: true };
    },
    'access:download-outputs': async ({ leaseId, ranks, toDir }) => {
      const dir = toDir ?? defaultDownloadsDir();
      const opener = current();
      const done: AccessTransfer[] = [];
      // One node after the other: each is a tar that may be large.
      for (const rank of ranks) done.push(await files.download(opener, leaseId, rank, '/outputs', join(dir, `idlegrid-${leaseId}-node${rank}-outputs.tar`)));
      return done;
    },
  };

  return {
    handlers,
    terminals,
    onTerminalOutput: terminals.onOutput,
    onTerminalClosed: terminals.onClosed,
    forwards,
    onDidChangeForwards: forwards.onDidChange,
    onTransfer: files.onProgress,
    async start() {
      d.hub.onDidChangeStatus(whenChanged, disposables);
      d.wallet.onDidChangeWallet(whenChanged, disposables);
      d.onDidChangeLease((rentLease) => {
        if (rentLease.lease.state === 'ended') forwards.closeWhere((f) => f.leaseId === rentLease.lease.leaseId);
      }, disposables);
    },
    async dispose() {
      await disposables.dispose();
      closeAll();
      staging.dispose();
    },
  };
}
