import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gpus, hardware, MODELS, offerTerms } from '../testing/market-fixtures';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { createTestWallet } from '../testing/test-wallet';
import { killAllWorkers, WorkerHandle } from '../testing/worker-handle';

// The hub's public explorer page in Debian's Chromium: no wallet, no sign-in; the numbers,
// machines by model and region and recent payments of a real hub with two worker processes,
// one of which names its GPU with markup (worker-supplied text must stay text).

const CHROMIUM = process.env.IDLEGRID_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`[test] skipping the public explorer page test: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does).`);

const HOSTILE_MODEL = '<img src=x onerror="window.pwned=1">GPU';

describe.skipIf(!HAVE_CHROMIUM)('the public explorer page', () => {
  let hub: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startTestHub({ timing: { explorerSampleMs: 300 } });
    const a100 = gpus(MODELS.a100.name, 2, MODELS.a100.vramMiB, 'pub-a');
    const hostile = gpus(HOSTILE_MODEL, 1, 8_192, 'pub-h');
    await Promise.all([
      WorkerHandle.start({ hubUrl: hub.url, walletHex: createTestWallet().privateKeyHex, machineId: 'machine-pub-a', hardware: hardware(a100), region: 'eu-west', offers: [offerTerms(a100.map((g) => g.uuid), '1500000')] }),
      WorkerHandle.start({ hubUrl: hub.url, walletHex: createTestWallet().privateKeyHex, machineId: 'machine-pub-h', hardware: hardware(hostile), region: 'us-east', offers: [] }),
    ]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await killAllWorkers();
    await hub?.stop();
  });

  it('shows machines, GPUs by model, machines by model and region and the payments, as text, under a strict CSP', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const response = await page.goto(`${hub.url}/explorer`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);

    await expect.poll(() => page.textContent('#workers'), { timeout: 15_000 }).toBe('2');
    expect(await page.textContent('#gpus')).toBe('3');
    expect(await page.textContent('#leased')).toBe('0');
    expect(await page.textContent('#utilisation')).toBe('0 %');
    expect(await page.textContent('#volumeAll')).toBe('0 USDC');

    const rows = (selector: string) => page.$$eval(`${selector} tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(await rows('#models')).toEqual([
      [MODELS.a100.name, '2', '0', ''],
      [HOSTILE_MODEL, '1', '0', ''],
    ]);
    expect(await rows('#machines')).toEqual([
      [MODELS.a100.name, 'eu-west', '1', '2'],
      [HOSTILE_MODEL, 'us-east', '1', '1'],
    ]);
    expect(await rows('#payments')).toEqual([['No payments yet.']]);
    // The charts draw the hub's own series (sampled by the hub, whether or not anyone looks).
    await expect.poll(async () => Number(await page.getAttribute('#chart-gpus', 'data-points')), { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    expect(await page.$$('#chart-gpus polyline')).toHaveLength(2);
    expect(await page.$$('#chart-volume polyline')).toHaveLength(1);
    const series = (await (await fetch(`${hub.url}/v1/explorer/series`)).json()) as { points: Array<{ gpusOnline: number; resolutionMs: number; groups: unknown[] }> };
    expect(series.points.at(-1)).toMatchObject({ gpusOnline: 3, resolutionMs: 300 });
    expect(series.points.at(-1)!.groups).toEqual([
      { gpuModel: MODELS.a100.name, region: 'eu-west', gpus: 2, leased: 0 },
      { gpuModel: HOSTILE_MODEL, region: 'us-east', gpus: 1, leased: 0 },
    ]);
    // The markup in the model name stayed text: no element was made from it, nothing ran.
    expect(await page.$$('img')).toHaveLength(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await page.screenshot({ path: process.env.IDLEGRID_EXPLORER_SCREENSHOT ?? `${hub.dataDir}/explorer.png`, fullPage: true });
    await page.close();
  });

  it('serves only its own files, and only to GET', async () => {
    expect((await fetch(`${hub.url}/explorer/explorer.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${hub.url}/explorer/explorer.js`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${hub.url}/explorer/../v1/info`)).status).toBe(200);
    expect((await fetch(`${hub.url}/explorer/secret.txt`)).status).toBe(404);
  });
});
