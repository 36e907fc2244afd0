import { expect, test } from '@playwright/test';
import { startHeadlessApp } from './support/headless-app';
import type { HeadlessApp } from './support/headless-app';
import { HomePage } from './pages/home-page';

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
});
