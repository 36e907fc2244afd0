#!/usr/bin/env node
// `npm start`: the desktop app (electron-vite builds, then launches Electron). Where
// Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD, a failed download, or
// a rig without a desktop), it says so and starts the same app headless instead, so this
// command always lands a newcomer in the app. What it checks first: start-preflight.mjs.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { choosePort, electronBinary, electronMissingText, nativeModuleProblem, nodeVersionProblem } from './start-preflight.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const nodeProblem = nodeVersionProblem();
if (nodeProblem) {
  console.error(nodeProblem);
  process.exit(1);
}

const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const binary = electronBinary(root);
let args = process.argv.slice(2);
let command;
if (binary && hasDisplay) {
  command = [join(root, 'node_modules', '.bin', 'electron-vite'), ['preview', ...args]];
} else {
  // The headless app runs in this Node: its native module must load here.
  const nativeProblem = nativeModuleProblem(root);
  if (nativeProblem) {
    console.error(nativeProblem);
    process.exit(1);
  }
  console.warn(
    binary
      ? 'No display found: starting Idlegrid headless. Open the URL below in a browser.'
      : `${electronMissingText(root)}\nStarting Idlegrid headless instead: open the URL below in a browser.`,
  );
  const chosen = await choosePort(args);
  if (chosen.note) console.warn(chosen.note);
  args = chosen.args;
  command = [process.execPath, [join(root, 'scripts', 'serve.mjs'), ...args]];
}
const child = spawn(command[0], command[1], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`Could not start ${command[0]}: ${error.message}. Run \`npm install\` again, then \`npm start\`.`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
