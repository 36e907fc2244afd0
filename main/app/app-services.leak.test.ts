import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_EVENT_NAMES } from '../../common/api/contract';
import type { Disposable } from '../../common/lifecycle';
import { createAppServices } from './app-services';
import type { AppServices } from './app-services';
import type { Module } from './module';
import { ResourceCensus } from './test-support/resource-census';

// Integration: the whole app (the composition root on a temp data dir, on Sandbox: the
// embedded chain and hub on loopback, the telemetry child, Docker's reconnect timers)
// starts and stops, and nothing it started may be left: no handle (timer, socket,
// server, child), no child process, no typed-event subscription, no listener on
// `process` or on the app's event bus.
const fixturesBin = resolve(__dirname, '../../fixtures/bin');
const savedPath = process.env.PATH;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-leak-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // The replayed nvidia-smi: detection finds GPUs, so telemetry runs its long-lived child.
  symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
  process.env.PATH = `${bin}:${savedPath}`;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

/** Listeners left on the app's event bus (no transport is attached here, so any is a leak). */
function busListeners(app: AppServices): number {
  return API_EVENT_NAMES.reduce((sum, name) => sum + app.events.listenerCount(name), 0);
}

/** Runs the app on `dataDir` with `during` between start and stop; returns what was left after stop. */
async function runApp(dataDir: string, during: (app: AppServices) => Promise<void> = async () => {}): Promise<string[]> {
  const census = new ResourceCensus();
  census.begin();
  const app = createAppServices({ shell: 'headless', dataDir, version: '0.0.0-test' });
  try {
    await app.start();
    // The app really ran: the embedded hub answers on Sandbox and telemetry sampled.
    expect(app.hub.status().status).toBe('ready');
    expect(app.hardware.telemetry.status().state).toBe('running');
    await during(app);
  } finally {
    await app.stop();
  }
  const left = await census.settle();
  census.end();
  const onBus = busListeners(app);
  if (onBus > 0) left.push(`${onBus} listener${onBus === 1 ? '' : 's'} on the app event bus`);
  return left;
}

/** A module that forgets to release what it starts: a timer, a child, a server, a listener, a process handler. */
function leakyModule(app: AppServices): Module & { cleanUp(): Promise<void> } {
  const held: Disposable[] = [];
  return {
    handlers: {},
    async start() {
      const timer = setInterval(() => undefined, 60_000);
      timer.unref();
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      const server = createServer();
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const subscription = app.settings.onDidChange(() => undefined);
      const onSignal = () => undefined;
      process.on('SIGUSR2', onSignal);
      const off = app.events.on('settings:changed', () => undefined);
      held.push(
        { dispose: () => clearInterval(timer) },
        { dispose: () => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : (child.once('exit', () => done()), child.kill()))) },
        { dispose: () => new Promise<void>((done) => server.close(() => done())) },
        subscription,
        { dispose: () => void process.off('SIGUSR2', onSignal) },
        { dispose: off },
      );
    },
    // The bug being shown: nothing is released.
    async dispose() {},
    async cleanUp() {
      for (const d of held) await d.dispose();
    },
  };
}

describe('the app leaves nothing behind', () => {
  it('after start and stop: no handle, child process, subscription or listener is left', async () => {
    const left = await runApp(join(dir, 'clean'), async (app) => {
      // Use it a little: a settings change crosses the typed events to the bus.
      const seen: unknown[] = [];
      const off = app.events.on('settings:changed', (s) => seen.push(s));
      app.settings.update({ telemetryEnabled: true });
      off();
      expect(seen).toHaveLength(1);
    });
    expect(left).toEqual([]);
  }, 60_000);

  it('catches a module that forgets to dispose what it started', async () => {
    let leaky: ReturnType<typeof leakyModule> | null = null;
    const left = await runApp(join(dir, 'leaky'), async (running) => {
      leaky = leakyModule(running);
      await leaky.start();
      await leaky.dispose();
    });
    try {
      expect(left).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^1 × Timeout handle$/),
          expect.stringMatching(/× PROCESSWRAP handle/),
          expect.stringMatching(/× TCPSERVERWRAP handle/),
          expect.stringMatching(/^child process \d+ \S+ sleep 60$/),
          '1 typed-event subscription',
          '1 listener on process',
          '1 listener on the app event bus',
        ]),
      );
    } finally {
      await leaky!.cleanUp();
    }
  }, 60_000);
});
