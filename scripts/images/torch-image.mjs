#!/usr/bin/env node
// The PyTorch image (CPU torch from Debian's python3-torch), built locally: nothing comes
// from an image hub. mmdebstrap makes a Debian bookworm root filesystem from the Debian
// mirror (apt's own sources), trimmed of docs, man pages, locales and caches; the tarball
// is cached under ~/.cache/idlegrid/images (or IDLEGRID_IMAGE_CACHE), keyed by the
// recipe's hash, so a machine builds it once and CI only when the recipe changed.
// `docker import` turns the tarball into an image in any dockerd (a test's private one).
//
//   node scripts/images/torch-image.mjs build            # make the cached tarball if missing
//   node scripts/images/torch-image.mjs path             # print where the tarball is (or would be)
//   node scripts/images/torch-image.mjs load [REF]       # import it into $DOCKER_HOST as REF
//
// Used by the attestation tests (the verify-then-pay challenge runs torch in it), the
// mesh's torch.distributed tests and CI (.ci/run builds it before the tests).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const scriptPath = fileURLToPath(import.meta.url);

export const TORCH_IMAGE_REF = 'idlegrid/torch:cpu';

/** What goes into the image beyond the apt variant's essentials. */
const PACKAGES = ['python3-torch', 'python3-numpy'];

// dpkg never unpacks these (copyright files stay: the licences travel with the binaries).
const DPKG_EXCLUDES = [
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/info/*',
  'path-exclude=/usr/share/locale/*',
  'path-exclude=/usr/share/lintian/*',
  'path-exclude=/usr/share/linda/*',
  'path-exclude=/usr/include/*',
  'path-exclude=/usr/lib/x86_64-linux-gnu/*.a',
  'path-exclude=/usr/lib/aarch64-linux-gnu/*.a',
];

// After the install: apt's lists and caches, byte-code caches and the test suites that
// numpy and torch ship (none of it runs in a job).
const TRIM_HOOK = [
  'rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*',
  'find "$1"/usr -depth -name __pycache__ -type d -exec rm -rf {} +',
  'rm -rf "$1"/usr/lib/python3/dist-packages/numpy/*/tests "$1"/usr/lib/python3/dist-packages/torch/testing/_internal/generated',
].join(' && ');

/** The cache folder for locally built images. */
export function imageCacheDir() {
  return process.env.IDLEGRID_IMAGE_CACHE ?? join(homedir(), '.cache', 'idlegrid', 'images');
}

const SUITE = 'bookworm';

/** Where the rootfs tarball of this recipe lives: the name carries the recipe's hash (suite, packages, trimming). */
export function torchImageTarball() {
  const recipe = JSON.stringify({ SUITE, variant: 'apt', PACKAGES, DPKG_EXCLUDES, TRIM_HOOK });
  const hash = createHash('sha256').update(recipe).digest('hex').slice(0, 12);
  return join(imageCacheDir(), `idlegrid-torch-${hash}.tar`);
}

/** Why the image cannot be built here, or null. */
export function torchImageBuildMissing() {
  const missing = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root (mmdebstrap in root mode)');
  if (spawnSync('sh', ['-c', 'command -v mmdebstrap']).status !== 0) missing.push('mmdebstrap (apt-get install mmdebstrap)');
  return missing.length > 0 ? missing.join(', ') : null;
}

/**
 * Builds the rootfs tarball unless the cache already has it; returns its path and how long
 * the build took (0 when cached). Needs root, mmdebstrap and the Debian mirror.
 */
export function buildTorchImageTarball({ log = () => undefined } = {}) {
  const tarball = torchImageTarball();
  if (existsSync(tarball)) return { tarball, buildMs: 0, bytes: statSync(tarball).size };
  const missing = torchImageBuildMissing();
  if (missing) throw new Error(`Cannot build the torch image; missing: ${missing}`);
  mkdirSync(dirname(tarball), { recursive: true });
  // mmdebstrap picks the output format from the name: keep .tar at the end.
  const partial = `${tarball.replace(/\.tar$/, '')}.partial-${process.pid}.tar`;
  const started = Date.now();
  log(`[torch-image] building ${tarball} with mmdebstrap (a few minutes)…`);
  const args = [
    '--variant=apt',
    '--mode=root',
    '--quiet',
    '--format=tar',
    `--include=${PACKAGES.join(',')}`,
    '--aptopt=APT::Install-Recommends "false"',
    ...DPKG_EXCLUDES.map((rule) => `--dpkgopt=${rule}`),
    `--customize-hook=${TRIM_HOOK}`,
    SUITE,
    partial,
  ];
  const result = spawnSync('mmdebstrap', args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 30 * 60_000 });
  if (result.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`mmdebstrap failed (${result.status ?? result.signal}); see its output above`);
  }
  renameSync(partial, tarball);
  return { tarball, buildMs: Date.now() - started, bytes: statSync(tarball).size };
}

/**
 * Imports the cached tarball into the dockerd at `dockerHost` as `ref` unless that daemon
 * already has it; with `registry` ('127.0.0.1:PORT') also pushes it there and returns the
 * registry's ref. Returns { ref, loadMs }.
 */
export function loadTorchImage({ dockerHost, ref = TORCH_IMAGE_REF, registry = null }) {
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const docker = (args, options = {}) => spawnSync('docker', args, { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...options });
  const target = registry ? `${registry}/${ref}` : ref;
  const started = Date.now();
  if (docker(['image', 'inspect', target]).status === 0) return { ref: target, loadMs: 0 };
  const tarball = torchImageTarball();
  if (!existsSync(tarball)) throw new Error(`The torch image is not built (${tarball}); run: node scripts/images/torch-image.mjs build`);
  const imported = docker([
    'import',
    '-c', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '-c', 'ENV LANG=C.UTF-8',
    '-c', 'CMD ["python3"]',
    tarball,
    ref,
  ], { timeout: 10 * 60_000 });
  if (imported.status !== 0) throw new Error(`docker import failed: ${imported.stderr}`);
  if (registry) {
    if (docker(['tag', ref, target]).status !== 0) throw new Error(`docker tag ${target} failed`);
    const pushed = docker(['push', target], { timeout: 10 * 60_000 });
    if (pushed.status !== 0) throw new Error(`docker push ${target} failed: ${pushed.stderr}`);
  }
  return { ref: target, loadMs: Date.now() - started };
}

if (resolve(process.argv[1] ?? '') === scriptPath) {
  const [command = 'build', ...rest] = process.argv.slice(2);
  try {
    if (command === 'path') {
      console.log(torchImageTarball());
    } else if (command === 'build') {
      const { tarball, buildMs, bytes } = buildTorchImageTarball({ log: (line) => console.log(line) });
      console.log(JSON.stringify({ tarball, build_ms: buildMs, mbytes: Math.round(bytes / 1e6), cached: buildMs === 0 }));
    } else if (command === 'load') {
      if (!process.env.DOCKER_HOST) throw new Error('set DOCKER_HOST to the daemon to load into');
      const { ref, loadMs } = loadTorchImage({ dockerHost: process.env.DOCKER_HOST, ref: rest[0] ?? TORCH_IMAGE_REF });
      console.log(JSON.stringify({ ref, load_ms: loadMs }));
    } else {
      throw new Error(`unknown command ${command} (build, path, load)`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
