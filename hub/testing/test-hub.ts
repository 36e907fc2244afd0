import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HubServerOptions, RunningHub } from '../hub-server';
import { startHub } from '../hub-server';
import { testLogger } from './test-logger';

/**
 * A real hub on loopback in the test's own process, on a fresh data dir, with no chain
 * (payments refused) unless one is given. `stop` closes it and removes the data dir.
 */
export interface TestHub extends RunningHub {
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestHub(options: Partial<HubServerOptions> = {}): Promise<TestHub> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'idlegrid-hub-test-'));
  const hub = await startHub({
    dataDir,
    logger: testLogger,
    chain: { network: 'sandbox', mint: 'Gh9ZwEmdLJ8DscKNTkTqPbNwLNNBjuSzaG9Vp2KGtKJr', rpcUrl: null, payments: null },
    ...options,
    // Most tests place several leases on one fresh machine; the caps' own test turns them on.
    limits: { newcomerCaps: false, ...options.limits },
  });
  return {
    ...hub,
    dataDir,
    async stop() {
      await hub.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
