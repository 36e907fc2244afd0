// A private Docker test environment: a real dockerd with NVIDIA's container hook
// replaced by a recorder (fixtures/bin/nvidia-container-runtime-hook), a real registry
// on 127.0.0.1, and a busybox test image pushed to it. Used by `npm test` (which passes
// DOCKER_HOST, IDLEGRID_TEST_REGISTRY, IDLEGRID_TEST_IMAGE, IDLEGRID_HOOK_LOG to the
// tests), by tests that need a daemon of their own (restarted mid-job, no NVIDIA hook),
// and by benchmarks. Needs Linux, root, and the apt packages docker.io, docker-registry
// and busybox-static.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, closeSync, rmSync, symlinkSync, copyFileSync, writeFileSync, chmodSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hookDir = join(root, 'fixtures', 'bin');
const BUSYBOX = '/bin/busybox';

/** Which of the tools the environment needs are missing here, in words for a skip message. */
export function dockerToolsAvailable() {
  const missing = [];
  if (process.platform !== 'linux') missing.push('Linux (a private dockerd runs only on Linux)');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root (dockerd needs root)');
  for (const tool of ['dockerd', 'docker', 'docker-registry', 'tar']) {
    if (!onPath(tool)) missing.push(`${tool} (apt-get install ${tool === 'docker-registry' ? 'docker-registry' : tool === 'tar' ? 'tar' : 'docker.io'})`);
  }
  if (!isStaticBusybox()) missing.push(`a static ${BUSYBOX} (apt-get install busybox-static)`);
  if (!existsSync(join(hookDir, 'nvidia-container-runtime-hook'))) missing.push('fixtures/bin/nvidia-container-runtime-hook');
  return { ok: missing.length === 0, missing };
}

/**
 * Starts dockerd (and by default a registry with the test image pushed to it).
 * options: dir (default a new /tmp/idlegrid-docker-*), nvidiaHook (default true: the
 * recorder is on dockerd's PATH), registry (default true), liveRestore (default false),
 * isolated (default false: a second daemon on the same host — no docker0 bridge, no
 * iptables, so it cannot clash with the main test daemon).
 */
export async function startDockerTestEnv(options = {}) {
  const tools = dockerToolsAvailable();
  if (!tools.ok) throw new Error(`Cannot start the Docker test environment; missing: ${tools.missing.join(', ')}`);
  const dir = options.dir ?? mkdtempSync('/tmp/idlegrid-docker-');
  mkdirSync(dir, { recursive: true });
  const withHook = options.nvidiaHook ?? true;
  const hookLog = join(dir, 'nvidia-hook.log');
  writeFileSync(hookLog, '');
  const socket = join(dir, 'docker.sock');
  const dockerHost = `unix://${socket}`;
  // A pool of its own (10.N.0.0/16) so two test daemons never pick the same subnet.
  const octet = 100 + Math.floor(Math.random() * 150);
  const pool = `base=10.${octet}.0.0/16,size=24`;
  // Its own default bridge too (not docker0, which a system Docker or another test
  // daemon may hold), when `ip` is there to make one.
  const bridge = !options.isolated && onPath('ip') ? `idg${Math.random().toString(16).slice(2, 8)}` : null;
  if (bridge) {
    run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', `10.${octet}.255.1/24`, 'dev', bridge]);
    run('ip', ['link', 'set', bridge, 'up']);
  }
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const args = [
    '--host', dockerHost,
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'),
    // Never the machine's /etc/docker/daemon.json: the test daemon is the same everywhere.
    '--config-file', join(dir, 'daemon.json'),
    '--default-address-pool', pool,
    ...(options.liveRestore ? ['--live-restore'] : []),
    ...(options.isolated ? ['--bridge', 'none', '--iptables=false', '--ip-masq=false'] : []),
    ...(bridge ? ['--bridge', bridge] : []),
  ];
  const systemPath = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
    .split(delimiter)
    .filter((p) => resolve(p) !== hookDir);
  const env = {
    ...process.env,
    // dockerd registers its "nvidia" device driver only when the hook is on its PATH at start.
    PATH: [...(withHook ? [hookDir] : []), ...systemPath, '/usr/sbin', '/sbin'].join(delimiter),
    IDLEGRID_HOOK_LOG: hookLog,
  };
  delete env.DOCKER_HOST;

  let dockerd = null;
  const startDockerd = async () => {
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    dockerd = spawn('dockerd', args, { env, stdio: ['ignore', log, log], detached: false });
    closeSync(log);
    const exited = new Promise((resolveExit) => dockerd.once('exit', (code) => resolveExit(code)));
    dockerd.exited = exited;
    await waitFor(() => httpOk(socket, '/_ping'), 60_000, () => `dockerd did not answer; see ${join(dir, 'dockerd.log')}:\n${tail(join(dir, 'dockerd.log'))}`, exited);
  };
  const stopDockerd = async () => {
    if (!dockerd || dockerd.exitCode !== null) return;
    dockerd.kill('SIGTERM');
    const done = await Promise.race([dockerd.exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!done) {
      dockerd.kill('SIGKILL');
      await dockerd.exited;
    }
  };

  let registryProc = null;
  let registry = null;
  const cleanup = async () => {
    await registryProc?.stop();
    // A network's bridge interface lives in the host, not in the data dir: remove the
    // daemon's networks while it still runs, and any interface left after it.
    const bridges = removeNetworks(dockerHost);
    await stopDockerd();
    killPidFile(join(dir, 'exec', 'containerd', 'containerd.pid'));
    // A test that failed while its live-restore daemon was stopped leaves containers no
    // daemon can remove: their shims name this daemon's containerd socket; kill them.
    killShimsOf(join(dir, 'exec', 'containerd', 'containerd.sock'));
    for (const name of [...bridges, ...(bridge ? [bridge] : [])]) spawnSync('ip', ['link', 'del', name]);
    unmountUnder(dir);
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await startDockerd();
    const docker = (...a) => run('docker', a, { env: { ...process.env, DOCKER_HOST: dockerHost } });
    const localImage = 'idlegrid/busybox:test';
    await buildBusyboxImage({ dockerHost, ref: localImage, dir });
    let testImage = localImage;
    if (options.registry ?? true) {
      registryProc = await startTestRegistry({ dir: join(dir, 'registry') });
      registry = registryProc.address;
      testImage = `${registry}/idlegrid/busybox:test`;
      docker('tag', localImage, testImage);
      // Only the registry copy remains, so a first pull really downloads.
      pushImage({ dockerHost, ref: testImage, removeLocal: true });
      docker('rmi', localImage);
    }
    let stopped = false;
    return {
      dir,
      dockerHost,
      registry,
      testImage,
      hookLog,
      /** Variables for child processes (vitest, benchmarks). */
      env: {
        DOCKER_HOST: dockerHost,
        IDLEGRID_HOOK_LOG: hookLog,
        IDLEGRID_TEST_IMAGE: testImage,
        ...(registry ? { IDLEGRID_TEST_REGISTRY: registry } : {}),
      },
      /** Stops dockerd (SIGTERM, as a system restart would) and starts it again with the same data. */
      async restartDockerd() {
        await stopDockerd();
        await startDockerd();
      },
      /** Stops dockerd (SIGTERM), for a test that looks at what happens while it is away. */
      async stopDockerd() {
        await stopDockerd();
      },
      /** Starts dockerd again with the same data (after `stopDockerd`). */
      async startDockerd() {
        await startDockerd();
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

/**
 * A real registry (docker-registry serve) on 127.0.0.1 with its storage under `dir`.
 * With `requireAuth`, it asks for a login (htpasswd) that no test gives: a private image.
 */
export async function startTestRegistry({ dir, requireAuth = false }) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${address}`,
  ];
  if (requireAuth) {
    // bcrypt of a throwaway password; the tests never log in, they only need a door that is shut.
    writeFileSync(join(dir, 'htpasswd'), 'idlegrid:$2b$04$i4IX1Hf8RtGzHMO/owzgZe4SI8hRv.ZqIIkNpBqASgcwoGl.BONLS\n');
    lines.push('auth:', '  htpasswd:', '    realm: idlegrid-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const log = openSync(join(dir, 'registry.log'), 'a');
  const proc = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise((resolveExit) => proc.once('exit', resolveExit));
  await waitFor(async () => {
    const status = await httpStatus({ host: '127.0.0.1', port, path: '/v2/' });
    return status === 200 || status === 401;
  }, 30_000, () => `docker-registry did not answer on ${address}:\n${tail(join(dir, 'registry.log'))}`, exited);
  return {
    address,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/**
 * Builds a busybox image by `docker import`: busybox-static with a link per applet
 * (sh, echo, sleep, cat, head, dd, …). `extraBytes` adds a file of random bytes, so
 * the image gets a layer nobody else has (a pull that must download).
 */
export async function buildBusyboxImage({ dockerHost, ref, dir, extraBytes = 0, user }) {
  const rootfs = mkdtempSync(join(dir ?? tmpdir(), 'rootfs-'));
  try {
    mkdirSync(join(rootfs, 'bin'));
    mkdirSync(join(rootfs, 'tmp'));
    // As in every distribution's image: jobs run unprivileged, and a tmpfs /tmp keeps the
    // mode of the image's directory.
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    mkdirSync(join(rootfs, 'etc'));
    copyFileSync(BUSYBOX, join(rootfs, 'bin', 'busybox'));
    chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
    const applets = run(BUSYBOX, ['--list']).split('\n').map((a) => a.trim()).filter((a) => a && a !== 'busybox');
    for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
    writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    if (extraBytes > 0) {
      const { randomBytes } = await import('node:crypto');
      writeFileSync(join(rootfs, 'payload.bin'), randomBytes(extraBytes));
    }
    const tarball = join(rootfs, '..', `${rootfs.split('/').pop()}.tar`);
    run('tar', ['-C', rootfs, '-cf', tarball, '.']);
    try {
      run('docker', ['import', '-c', 'ENV PATH=/bin', '-c', 'CMD ["sh"]', ...(user ? ['-c', `USER ${user}`] : []), tarball, ref], {
        env: { ...process.env, DOCKER_HOST: dockerHost },
      });
    } finally {
      rmSync(tarball, { force: true });
    }
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  return ref;
}

/** Pushes a local image to its registry (`docker push`); with `removeLocal`, only the registry keeps it. */
export function pushImage({ dockerHost, ref, removeLocal = false }) {
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  run('docker', ['push', ref], { env });
  if (removeLocal) run('docker', ['rmi', ref], { env });
  return ref;
}

/** Reads the hook recorder's log: one object per container that asked for GPUs. */
export function readHookLog(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

// ---- helpers ------------------------------------------------------------------------

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

function onPath(tool) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin'])) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // next
    }
  }
  return false;
}

function isStaticBusybox() {
  try {
    accessSync(BUSYBOX, constants.X_OK);
  } catch {
    return false;
  }
  // A dynamically linked busybox would not run in an image without libc.
  const header = readFileSync(BUSYBOX).subarray(0, 4096);
  return !header.includes(Buffer.from('/lib64/ld-linux')) && !header.includes(Buffer.from('/lib/ld-'));
}

function httpStatus(options) {
  return new Promise((resolveStatus) => {
    const req = request({ ...options, method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', () => resolveStatus(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function httpOk(socketPath, path) {
  return (await httpStatus({ socketPath, path })) === 200;
}

async function waitFor(check, timeoutMs, describe, exited) {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  exited?.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (await check()) return;
    if (gone) throw new Error(`exited before it was ready. ${describe()}`);
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms. ${describe()}`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function tail(file, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Removes every container and custom network of the daemon; returns the bridge interfaces they had. */
function removeNetworks(dockerHost) {
  const env = { ...process.env, DOCKER_HOST: dockerHost };
  const options = { env, encoding: 'utf8', timeout: 60_000 };
  const ids = (args) => (spawnSync('docker', args, options).stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const containers = ids(['ps', '-aq']);
  if (containers.length > 0) spawnSync('docker', ['rm', '-f', ...containers], options);
  const networks = ids(['network', 'ls', '--no-trunc', '-q', '--filter', 'type=custom']);
  if (networks.length > 0) spawnSync('docker', ['network', 'rm', ...networks], options);
  return networks.map((id) => `br-${id.slice(0, 12)}`);
}

function killShimsOf(containerdSocket) {
  const procs = () => {
    try {
      return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
    } catch {
      return []; // no /proc (not Linux): nothing to find
    }
  };
  const read = (pid, file) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8');
    } catch {
      return ''; // gone meanwhile
    }
  };
  const shims = [];
  const ids = [];
  for (const pid of procs()) {
    const cmd = read(pid, 'cmdline').split('\0');
    if (!cmd[0]?.includes('containerd-shim') || !cmd.includes(containerdSocket)) continue;
    shims.push(Number(pid));
    const id = cmd[cmd.indexOf('-id') + 1];
    if (cmd.includes('-id') && id) ids.push(id);
  }
  if (shims.length === 0) return;
  // The containers' processes first (they are in the container's cgroup, not the shim's group).
  for (const pid of procs()) {
    const cgroup = read(pid, 'cgroup');
    if (ids.some((id) => cgroup.includes(id))) killQuietly(Number(pid));
  }
  for (const pid of shims) killQuietly(pid);
}

function killQuietly(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function killPidFile(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // not running
  }
}

/** Lazily unmounts whatever a killed dockerd left mounted under `dir` (overlay, shm, netns). */
function unmountUnder(dir) {
  let mounts = [];
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((point) => point && (point === dir || point.startsWith(`${dir}/`)));
  } catch {
    return;
  }
  // Deepest first.
  for (const point of mounts.sort((a, b) => b.length - a.length)) {
    spawnSync('umount', ['-l', point]);
  }
}
