import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startHeadlessApp } from './support/headless-app';
import type { HeadlessApp } from './support/headless-app';
import { HomePage } from './pages/home-page';
import { LendPage } from './pages/lend-page';

// A machine with no nvidia-smi at all: the app still works and says what to check.
let app: HeadlessApp;
test.beforeAll(async () => {
  app = await startHeadlessApp({ nvidiaCapture: null });
});
test.afterAll(async () => {
  await app?.stop();
});

test('says no NVIDIA tools were found and what to install, without crashing', async ({ page }) => {
  await app.open(page);
  const home = await new HomePage(page).open();
  await expect(home.gpuCards()).toHaveCount(0);
  await expect(page.getByTestId('view-home')).toContainText(/nvidia-smi/i);
  await expect(page.getByTestId('view-home')).toContainText(/install/i);
  // Only GPUs are lent: Home does not promise the CPU, and Lend does not push a start that can only fail.
  await expect(page.getByTestId('no-gpu')).toContainText('Idlegrid lends GPUs only');
  await expect(page.getByTestId('no-gpu')).not.toContainText(/offer its CPU/);
  const lend = await new LendPage(page).open();
  await expect(lend.sharingToggle()).not.toHaveClass(/button-primary/);
  await expect(page.getByTestId('thermal-guard-state')).toHaveText('No GPU to watch');
  const dir = process.env.IDLEGRID_SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: join(dir, 'lend-no-gpu.png'), fullPage: true });
});
