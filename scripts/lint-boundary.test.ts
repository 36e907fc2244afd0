import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The process boundary is enforced by lint; this proves the rule bites where it must.
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('process boundary lint', () => {
  it.each([
    "import { readFileSync } from 'node:fs';",
    "import { ipcRenderer } from 'electron';",
    "import Docker from 'dockerode';",
    "import Database from 'better-sqlite3';",
    "import si from 'systeminformation';",
    "import { createAppServices } from '../../main/app/app-services';",
  ])('renderer code cannot %s', async (line) => {
    expect(await ruleIds(`${line}\nexport const x = 1;\n`, 'renderer/src/views/probe.ts')).toContain('no-restricted-imports');
  });

  it('common/ cannot import Node built-ins', async () => {
    expect(await ruleIds("import { join } from 'node:path';\nexport const x = join;\n", 'common/probe.ts')).toContain('no-restricted-imports');
  });

  it('renderer code may import common/', async () => {
    expect(await ruleIds("import { apiCalls } from '../../../common/api/contract';\nexport const x = apiCalls;\n", 'renderer/src/views/probe.ts')).toEqual([]);
  });

  it('main code outside the transport cannot touch ipcMain', async () => {
    expect(await ruleIds("import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n", 'main/hardware/probe.ts')).toContain('no-restricted-syntax');
  });
});

describe('no console outside the entries (services log through the injected Logger)', () => {
  const consoleErrors = async (filePath: string) =>
    (await ruleIds("export function f(e: unknown) {\n  console.error('failed', e);\n}\n", filePath)).filter((id) => id === 'no-console');

  it.each([
    'main/worker/probe.ts',
    'main/app/probe.ts',
    'hub/gateway/probe.ts',
    'hub-client/probe.ts',
    'solana/sandbox/probe.ts',
    'sqlite/probe.ts',
    'common/probe.ts',
    'preload/probe.ts',
    'renderer/src/views/probe.tsx',
  ])('%s may not call console', async (file) => {
    expect(await consoleErrors(file)).toEqual(['no-console']);
  });

  it.each(['main/index.ts', 'main/headless.ts', 'hub/hub-cli.ts', 'solana/sandbox/sandbox-chain-cli.ts', 'main/worker/probe.test.ts', 'scripts/probe.ts', 'bench/probe.ts'])(
    'the entry or tool %s may',
    async (file) => {
      expect(await consoleErrors(file)).toEqual([]);
    },
  );
});

describe('layers point one way (eslint/layers.mjs)', () => {
  const layerErrors = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(`${code}\nexport const x = 1;\n`, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'idlegrid/layers').map((m) => m.message);
  };

  it.each([
    ['hub/leases/probe.ts', "import { openLedgerDb } from '../../main/ledger/ledger-db';", /hub\/ may not import main\//],
    ['solana/rpc/probe.ts', "import { startHub } from '../../hub';", /solana\/ may not import hub\//],
    ['sqlite/probe.ts', "import { ChainClient } from '../solana/rpc/chain-client';", /sqlite\/ may not import solana\//],
    ['hub-client/probe.ts', "import { startHub } from '../hub/hub-server';", /hub-client\/ may not import hub\//],
    ['common/hub/probe.ts', "import { WorkerClient } from '../../hub-client/worker-client';", /common\/ may not import hub-client\//],
    ['renderer/src/views/probe.ts', "import { ChainClient } from '../../../solana/rpc/chain-client';", /renderer\/ may not import solana\//],
    ['main/wallet/probe.ts', "import { startHub } from '../../hub';", /only through main\/market\/embedded-hub\.ts/],
    ['main/market/embedded-hub.ts', "import { startHub } from '../../hub/hub-server';", /public face/],
    ['main/market/probe.test.ts', "import { LeaseService } from '../../hub/leases/lease-service';", /public face/],
    ['main/worker/probe.ts', "import { x } from './test-support/recorder';", /test support/],
    ['hub/leases/probe.ts', "import { x } from '../testing/market-fixtures';", /test support/],
    ['hub/store/probe.ts', "import { describeHubStoreConformance } from './conformance';", /test support/],
  ])('%s: %s is refused', async (file, line, reason) => {
    const messages = await layerErrors(line, file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(reason);
  });

  it.each([
    ['common/api/probe.ts', "import { HUB_HTTP } from '../hub/http-api';"],
    ['hub/leases/probe.ts', "import { ChainClient } from '../../solana/rpc/chain-client';"],
    ['main/market/embedded-hub.ts', "import { startHub } from '../../hub';"],
    ['main/market/probe.test.ts', "import { startHub } from '../../hub';\nimport { x } from '../../hub/testing/market-fixtures';"],
    ['main/wallet/probe.ts', "import { ChainClient } from '../../solana/rpc/chain-client';"],
    ['main/worker/probe.test.ts', "import { x } from './test-support/recorder';"],
  ])('%s may %s', async (file, line) => {
    expect(await layerErrors(line, file)).toEqual([]);
  });
});

describe('layers point one way (tsc -b project references)', () => {
  // The compiler is the second lock: a project that does not reference a layer cannot
  // compile a file that imports it. The probe goes into the real tree for a moment.
  it('refuses hub/ importing main/', () => {
    const probe = join(process.cwd(), 'hub', 'layer-probe.ts');
    writeFileSync(probe, "import { openLedgerDb } from '../main/ledger/ledger-db';\nexport const x = openLedgerDb;\n");
    try {
      const run = spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsc'), ['-b', 'hub/tsconfig.json'], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toMatch(/TS6307: File '.*main\/ledger\/ledger-db\.ts' is not listed within the file list of project '.*hub\/tsconfig\.json'/);
    } finally {
      rmSync(probe, { force: true });
    }
  }, 150_000);
});
