import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

// Launches the real desktop app where Electron's binary is installed. On machines
// where it cannot be downloaded (CI here), the test is skipped and says why.
const root = resolve(__dirname, '..');

/** Reads the electron package's path.txt; `require('electron')` would try to download it. */
function electronBinary(): string | null {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

test('the desktop app opens its window with the locked-down bridge', async () => {
  const binary = electronBinary();
  if (!binary) {
    const reason = 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); the desktop smoke test needs it';
    console.log(`[skip] ${reason}`);
    test.skip(true, reason);
    return;
  }
  const app = await electron.launch({
    executablePath: binary,
    args: [join(root, 'out', 'main', 'index.js'), '--no-sandbox'],
    env: { ...process.env, PATH: `${join(root, 'fixtures', 'bin')}:${process.env.PATH ?? ''}` },
  });
  try {
    const window = await app.firstWindow();
    await window.getByTestId('nav-home').waitFor();
    // The renderer sees the bridge but not Node or ipcRenderer.
    expect(await window.evaluate(() => typeof (globalThis as Record<string, unknown>).idlegrid)).toBe('object');
    expect(await window.evaluate(() => typeof (globalThis as Record<string, unknown>).require)).toBe('undefined');
    await expect(window.getByTestId('gpu-card')).toHaveCount(8);
  } finally {
    await app.close();
  }
});
