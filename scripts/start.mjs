#!/usr/bin/env node
// `npm start`: the desktop app (electron-vite builds, then launches Electron). Where
// Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, or a rig without a
// desktop), it says so and starts the same app headless instead, so this command always
// lands a newcomer in the app.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Read the electron package's path.txt: `require('electron')` would try to download it.
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const args = process.argv.slice(2);
let command;
if (electronBinary() && hasDisplay) {
  command = [join(root, 'node_modules', '.bin', 'electron-vite'), ['preview', ...args]];
} else {
  console.warn(
    electronBinary()
      ? 'No display found: starting Idlegrid headless. Open the URL below in a browser.'
      : "Electron's binary is not installed (was ELECTRON_SKIP_BINARY_DOWNLOAD set?): starting Idlegrid headless.\n" +
          'Open the URL below in a browser; for the desktop app run `npm install` with internet access.',
  );
  command = [process.execPath, [join(root, 'scripts', 'serve.mjs'), ...args]];
}
const child = spawn(command[0], command[1], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
