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
