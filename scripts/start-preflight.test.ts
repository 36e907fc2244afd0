import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { choosePort, DEFAULT_PORT, electronBinary, electronMissingText, nativeModuleProblem, nodeVersionProblem, portIsFree } from './start-preflight.mjs';

const dirs: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('npm start preflight', () => {
  it('says which Node versions run Idlegrid', () => {
    expect(nodeVersionProblem('v22.12.0')).toBeNull();
    expect(nodeVersionProblem('v24.1.0')).toBeNull();
    expect(nodeVersionProblem('v20.19.2')).toBeNull();
    expect(nodeVersionProblem('v20.18.0')).toMatch(/needs Node 22\.12 or newer \(Node 20\.19\+ works headless only\); this is Node 20\.18\.0/);
    expect(nodeVersionProblem('v22.11.0')).toMatch(/this is Node 22\.11\.0/);
    expect(nodeVersionProblem('v18.20.0')).not.toBeNull();
  });

  it('explains a missing Electron binary by its cause, with what to run', () => {
    const root = mkdtempSync(join(tmpdir(), 'idlegrid-start-'));
    dirs.push(root);
    expect(electronMissingText(root, {}, 'v22.12.0')).toMatch(/run `npm install` first/);
    mkdirSync(join(root, 'node_modules', 'electron'), { recursive: true });
    expect(electronBinary(root)).toBeNull();
    expect(electronMissingText(root, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, 'v22.12.0')).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD is set/);
    expect(electronMissingText(root, {}, 'v22.12.0')).toMatch(/download failed or was blocked.*node node_modules\/electron\/install\.js/);
    expect(electronMissingText(root, {}, 'v20.19.0')).toMatch(/installer needs Node 22\.12\+, and this is Node 20\.19\.0/);
    writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
    mkdirSync(join(root, 'node_modules', 'electron', 'dist'));
    writeFileSync(join(root, 'node_modules', 'electron', 'dist', 'electron'), '');
    expect(electronBinary(root)).toBe(join(root, 'node_modules', 'electron', 'dist', 'electron'));
  });

  it('loads the native SQLite module here, and says what to run when it cannot', () => {
    expect(nativeModuleProblem(process.cwd())).toBeNull();
    const failed = nativeModuleProblem(process.cwd(), () => ({ status: 1, stderr: "Error: Cannot find module '../build/Release/better_sqlite3.node'\n    at x" }));
    expect(failed).toMatch(/better-sqlite3\) is not usable: Error: Cannot find module/);
    expect(failed).toMatch(/npm rebuild better-sqlite3/);
  });

  it('takes 5190 when free, the next free port when it is taken, and keeps a --port the owner chose', async () => {
    const taken = new Set([DEFAULT_PORT, DEFAULT_PORT + 1]);
    const isFree = async (port: number) => !taken.has(port);
    expect(await choosePort(['--data-dir', 'd'], isFree)).toEqual({ args: ['--port', String(DEFAULT_PORT + 2), '--data-dir', 'd'], note: `Port ${DEFAULT_PORT} is taken (another Idlegrid?): using ${DEFAULT_PORT + 2}.` });
    expect(await choosePort([], async () => true)).toEqual({ args: [], note: null });
    expect(await choosePort(['--port', '7000'], async () => false)).toEqual({ args: ['--port', '7000'], note: null });
    expect((await choosePort([], async () => false)).args).toEqual(['--port', '0']);
  });

  it('sees a port someone listens on as taken (a real listener on loopback)', async () => {
    const server = createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    expect(await portIsFree(port)).toBe(false);
  });
});
