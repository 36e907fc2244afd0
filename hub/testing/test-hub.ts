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
    // Tests quote whole machines from fresh wallets, all from 127.0.0.1, and place several
    // leases on one fresh machine: the reservation caps of issue 14.4 and the newcomer caps
    // of issue 13 are off unless a test sets them (their own tests do).
    limits: { unpaidMachineShare: 1, maxReservationsPerAddress: 1_000, maxReservedGpusPerAddress: 100_000, newcomerCaps: false, ...options.limits },
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
