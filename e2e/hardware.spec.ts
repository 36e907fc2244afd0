import { expect, test } from '@playwright/test';
import { startHeadlessApp } from './support/headless-app';
import type { HeadlessApp } from './support/headless-app';
import { HomePage } from './pages/home-page';
import { ThermalsPage } from './pages/thermals-page';
import { SettingsPage } from './pages/settings-page';
import { readFileSync } from 'node:fs';
import { SECTIONS, AppShell } from './pages/app-shell';

// The headless app with the replayed 8× Tesla V100S capture, in real Chromium.
let app: HeadlessApp;
test.beforeAll(async () => {
  app = await startHeadlessApp({ nvidiaCapture: 'nvidia-smi-q-x.v100s-x8.xml' });
});
test.afterAll(async () => {
  await app?.stop();
});

test('lists the 8 GPUs of the machine by name', async ({ page }) => {
  await app.open(page);
  const home = await new HomePage(page).open();
  await expect(home.gpuCards()).toHaveCount(8);
  for (const card of await home.gpuCards().all()) {
    await expect(card).toContainText('Tesla V100S-PCIE-32GB');
  }
});

test('the Thermals chart receives live samples', async ({ page }) => {
  await app.open(page);
  const thermals = await new ThermalsPage(page).open();
  await expect(thermals.charts().first()).toBeVisible();
  const first = await thermals.plottedSamples();
  // The replayed nvidia-smi ticks once a second: new points must keep arriving.
  await expect.poll(() => thermals.plottedSamples(), { timeout: 20_000 }).toBeGreaterThan(first + 2);
});

test('Settings → About exports one diagnostics file with the versions and the detected GPUs', async ({ page }) => {
  await app.open(page);
  const settings = await new SettingsPage(page).open();
  const download = await settings.exportDiagnostics();
  expect(download.suggestedFilename()).toMatch(/^idlegrid-diagnostics-.*\.json$/);
  const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
    kind: string;
    versions: { app: string; node: string };
    hardware: { gpus: Array<{ name: string }> };
    logs: unknown[];
  };
  expect(bundle.kind).toBe('idlegrid-diagnostics');
  expect(bundle.versions.node).toMatch(/^\d+\.\d+\.\d+$/);
  expect(bundle.hardware.gpus).toHaveLength(8);
  expect(bundle.logs.length).toBeGreaterThan(0);
  await expect(settings.diagnosticsResult()).toContainText(download.suggestedFilename());
});

test('every section opens, with no error on the page', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await app.open(page);
  const shell = new AppShell(page);
  for (const section of SECTIONS) {
    await expect(await shell.goTo(section)).toBeVisible();
  }
  expect(errors).toEqual([]);
});

test('without the access link the UI is not served', async ({ page }) => {
  const response = await page.goto(app.origin);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('?token=');
});
