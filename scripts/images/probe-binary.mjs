#!/usr/bin/env node
// `node scripts/images/probe-binary.mjs`: copies this machine's static busybox (Debian's
// busybox-static) to build/probe-image/busybox, which `npm run dist` packs into the app's
// resources (electron-builder.yml, extraResources). The app makes its offline test image
// from it (main/worker/probe-image.ts). Refuses a dynamically linked busybox: the image
// has no shared libraries. busybox is GPLv2; the notice next to it names its source.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = process.argv[2] ?? '/bin/busybox';
const target = join(root, 'build', 'probe-image', 'busybox');

function isStaticElf(bytes) {
  if (bytes.length < 0x40 || bytes.readUInt32BE(0) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1) return false;
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (bytes.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return phnum > 0;
}

if (!existsSync(source) || !isStaticElf(readFileSync(source))) {
  console.error(`${source} is not a static busybox. Install Debian's busybox-static (apt-get install busybox-static), or pass the path of a static busybox.`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
chmodSync(target, 0o755);
const version = spawnSync(source, ['--help'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'BusyBox';
writeFileSync(
  join(dirname(target), 'NOTICE'),
  `${version}\nCopied from ${source} (Debian's busybox-static). BusyBox is free software under the GNU GPL v2;\n` +
    'its source is Debian\'s busybox source package (https://sources.debian.org/src/busybox/).\n',
);
console.log(`Copied ${source} to ${target} (${version}).`);
