// Simulated homes behind NAT on one machine, for the mesh tests, CI and the mesh bench.
//
//   host netns ── veth ── "internet" netns (a router on 198.18.R.0/24)
//                            │ bridge 198.18.R.65/26
//        ┌───────────────────┼───────────────────┐
//   router r1 (NAT)     router r2 (NAT)     router r3 (symmetric NAT: --random-fully)
//   WAN 198.18.R.66     WAN 198.18.R.67     WAN 198.18.R.68
//   LAN 192.168.11.1    LAN 192.168.12.1    LAN 192.168.13.1   (+ 169.254.169.254: "metadata")
//        │                   │                   │
//   home h1 (.2)        home h2 (.2)        home h3 (.2)        each with its own dockerd
//
// The host reaches the internet side at 198.18.R.1 (the hub binds there). R is picked
// per run so concurrent runs on one machine never share an address in the host netns;
// everything else lives inside namespaces named `<prefix>-…` (prefix = "im" + 4 hex).
// Every address is in 198.18.0.0/15 or inside the namespaces this script made.
//
// Needs Linux, root, iproute2, iptables, dockerd (docker.io). Cleanup removes every
// namespace, process and directory it made, also on failure and on SIGINT/SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildBusyboxImage } from '../test-env/docker-env.mjs';

const STATE_ROOT = '/tmp/idlegrid-testbed';

/** What is missing here for the testbed, in words for a skip message. */
export function testbedToolsAvailable() {
  const missing = [];
  if (process.platform !== 'linux') missing.push('Linux');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root');
  for (const [tool, pkg] of [['ip', 'iproute2'], ['iptables', 'iptables'], ['dockerd', 'docker.io'], ['docker', 'docker.io'], ['wireguard-go', 'wireguard-go'], ['wg', 'wireguard-tools']]) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } }).status !== 0) missing.push(`${tool} (apt-get install ${pkg})`);
  }
  if (!existsSync('/dev/net/tun')) missing.push('/dev/net/tun');
  return { ok: missing.length === 0, missing };
}

/**
 * Builds the testbed. options.homes: [{ nat: 'cone' | 'symmetric' }, …] (default two cone
 * homes and one symmetric); options.docker (default true): a dockerd in each home, with the
 * busybox test image imported as `idlegrid/busybox:test`.
 */
export async function startHomes(options = {}) {
  const homesWanted = options.homes ?? [{ nat: 'cone' }, { nat: 'cone' }, { nat: 'symmetric' }];
  if (homesWanted.length < 1 || homesWanted.length > 8) throw new Error('1 to 8 homes');
  const prefix = `im${randomBytes(2).toString('hex')}`;
  const dir = join(STATE_ROOT, prefix);
  mkdirSync(dir, { recursive: true });
  const state = { prefix, dir, ownerPid: process.pid, namespaces: [], hostLinks: [], dockerds: [] };
  const saveState = () => writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  saveState();
  const cleanup = () => cleanupState(state);
  const onSignal = (signal) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const r = pickInternetOctet();
    const inet = `${prefix}-inet`;
    const hubAddress = `198.18.${r}.1`;
    addNetns(state, inet);
    saveState();
    // host ⇄ internet
    const hostIf = `${prefix}hs`;
    sh(`ip link add ${hostIf} type veth peer name ${prefix}hi`);
    state.hostLinks.push(hostIf);
    saveState();
    sh(`ip link set ${prefix}hi netns ${inet}`);
    sh(`ip addr add ${hubAddress}/30 dev ${hostIf}`);
    sh(`ip link set ${hostIf} up`);
    sh(`ip route add 198.18.${r}.64/26 via 198.18.${r}.2 dev ${hostIf}`);
    nsSh(inet, `ip link set lo up`);
    nsSh(inet, `ip addr add 198.18.${r}.2/30 dev ${prefix}hi`);
    nsSh(inet, `ip link set ${prefix}hi up`);
    nsSh(inet, `ip link add br0 type bridge`);
    nsSh(inet, `ip addr add 198.18.${r}.65/26 dev br0`);
    nsSh(inet, `ip link set br0 up`);
    nsSh(inet, `sysctl -qw net.ipv4.ip_forward=1`);

    const homes = [];
    for (const [index, wanted] of homesWanted.entries()) {
      const n = index + 1;
      const router = `${prefix}-r${n}`;
      const home = `${prefix}-h${n}`;
      addNetns(state, router);
      addNetns(state, home);
      saveState();
      const wan = `198.18.${r}.${65 + n}`;
      const lanNet = `192.168.${10 + n}`;
      // router WAN on the internet's bridge
      sh(`ip link add ${prefix}w${n} type veth peer name ${prefix}W${n}`);
      sh(`ip link set ${prefix}w${n} netns ${router}`);
      sh(`ip link set ${prefix}W${n} netns ${inet}`);
      nsSh(inet, `ip link set ${prefix}W${n} master br0 up`);
      nsSh(router, `ip link set lo up`);
      nsSh(router, `ip link set ${prefix}w${n} name wan`);
      nsSh(router, `ip addr add ${wan}/26 dev wan`);
      nsSh(router, `ip link set wan up`);
      nsSh(router, `ip route add default via 198.18.${r}.65`);
      // router LAN ⇄ home
      sh(`ip link add ${prefix}l${n} type veth peer name ${prefix}L${n}`);
      sh(`ip link set ${prefix}l${n} netns ${router}`);
      sh(`ip link set ${prefix}L${n} netns ${home}`);
      nsSh(router, `ip link set ${prefix}l${n} name lan`);
      nsSh(router, `ip addr add ${lanNet}.1/24 dev lan`);
      // The cloud metadata address, as a LAN device answering on it.
      nsSh(router, `ip addr add 169.254.169.254/32 dev lan`);
      nsSh(router, `ip link set lan up`);
      nsSh(router, `sysctl -qw net.ipv4.ip_forward=1`);
      const random = wanted.nat === 'symmetric' ? ' --random-fully' : '';
      nsSh(router, `iptables -t nat -A POSTROUTING -o wan -j MASQUERADE${random}`);
      // A home router forwards only what its LAN started.
      nsSh(router, `iptables -A FORWARD -i lan -o wan -j ACCEPT`);
      nsSh(router, `iptables -A FORWARD -i wan -o lan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`);
      nsSh(router, `iptables -P FORWARD DROP`);
      // Nothing unsolicited reaches the router itself either. Dropped in INPUT, such a
      // packet leaves no conntrack entry behind (an entry is confirmed only once its packet
      // is accepted), so a peer's early hole-punching packet cannot take the port the
      // home's own outgoing packets will need — as on a real home router.
      nsSh(router, `iptables -A INPUT -i wan -m conntrack --ctstate NEW,INVALID -j DROP`);
      nsSh(home, `ip link set lo up`);
      nsSh(home, `ip link set ${prefix}L${n} name eth0`);
      nsSh(home, `ip addr add ${lanNet}.2/24 dev eth0`);
      nsSh(home, `ip link set eth0 up`);
      nsSh(home, `ip route add default via ${lanNet}.1`);
      nsSh(home, `ip route add 169.254.169.254/32 via ${lanNet}.1`);
      homes.push({ index: n, nat: wanted.nat, netns: home, routerNetns: router, wanAddress: wan, lanAddress: `${lanNet}.2`, lanDeviceAddress: `${lanNet}.1`, dockerHost: null });
    }

    if (options.docker ?? true) {
      await Promise.all(homes.map(async (home) => {
        home.dockerHost = await startHomeDockerd(state, home, saveState);
      }));
      await Promise.all(homes.map((home) => buildBusyboxImage({ dockerHost: home.dockerHost, ref: 'idlegrid/busybox:test', dir })));
    }

    let stopped = false;
    return {
      prefix,
      dir,
      hubAddress,
      internetNetns: inet,
      homes,
      /** Runs a command in a namespace and returns its result (never throws on exit codes). */
      exec: (netns, args, execOptions = {}) => spawnSync('ip', ['netns', 'exec', netns, ...args], { encoding: 'utf8', timeout: 30_000, ...execOptions }),
      /** Starts a long-running process in a namespace; killed by stop() at the latest. */
      spawnIn: (netns, args) => {
        const child = spawn('ip', ['netns', 'exec', netns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        return child;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        cleanup();
      },
    };
  } catch (error) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanup();
    throw error;
  }
}

/** Removes testbeds whose owner process is gone (a run killed with SIGKILL). */
export function cleanupStaleTestbeds() {
  if (!existsSync(STATE_ROOT)) return 0;
  let removed = 0;
  for (const name of spawnSync('ls', [STATE_ROOT], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
    const file = join(STATE_ROOT, name, 'state.json');
    let state;
    try {
      state = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    if (isAlive(state.ownerPid)) continue;
    cleanupState(state);
    removed += 1;
  }
  return removed;
}

// ---- pieces ---------------------------------------------------------------------------

async function startHomeDockerd(state, home, saveState) {
  const dir = join(state.dir, `docker-h${home.index}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const socket = join(dir, 'docker.sock');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  // nsenter, not `ip netns exec`: the latter remounts /sys, hiding the cgroup mounts dockerd needs.
  const child = spawn('nsenter', [`--net=/var/run/netns/${home.netns}`, 'dockerd',
    '--host', `unix://${socket}`,
    '--data-root', join(dir, 'data'),
    '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'),
    '--config-file', join(dir, 'daemon.json'),
  ], { stdio: ['ignore', log, log], env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
  closeSync(log);
  state.dockerds.push({ dir, pidFile: join(dir, 'dockerd.pid'), socket });
  saveState();
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await ping(socket)) return `unix://${socket}`;
    if (exited) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const logText = existsSync(join(dir, 'dockerd.log')) ? readFileSync(join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-5).join('\n') : '';
  throw new Error(`dockerd in ${home.netns} did not start:\n${logText}`);
}

function ping(socketPath) {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function cleanupState(state) {
  const env = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };
  for (const d of state.dockerds ?? []) {
    // Containers first (their shims outlive a killed dockerd), then the daemon.
    const dockerEnv = { ...env, DOCKER_HOST: `unix://${d.socket}` };
    if (existsSync(d.socket)) {
      const ids = (spawnSync('docker', ['ps', '-aq'], { env: dockerEnv, encoding: 'utf8', timeout: 30_000 }).stdout ?? '').split('\n').filter(Boolean);
      if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], { env: dockerEnv, timeout: 60_000 });
    }
    killPid(readPid(d.pidFile), 'SIGTERM');
  }
  const deadline = Date.now() + 15_000;
  for (const d of state.dockerds ?? []) {
    while (isAlive(readPid(d.pidFile)) && Date.now() < deadline) spawnSync('sleep', ['0.2']);
    killPid(readPid(d.pidFile), 'SIGKILL');
    killPid(readPid(join(d.dir, 'exec', 'containerd', 'containerd.pid')), 'SIGKILL');
  }
  for (const ns of state.namespaces ?? []) {
    // Whatever still runs in our namespaces was started by this testbed.
    const pids = (spawnSync('ip', ['netns', 'pids', ns], { env, encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);
    for (const pid of pids) killPid(pid, 'SIGKILL');
  }
  for (const ns of state.namespaces ?? []) spawnSync('ip', ['netns', 'del', ns], { env });
  for (const link of state.hostLinks ?? []) spawnSync('ip', ['link', 'del', link], { env, stdio: 'ignore' });
  unmountUnder(state.dir);
  rmSync(state.dir, { recursive: true, force: true });
}

function addNetns(state, name) {
  sh(`ip netns add ${name}`);
  state.namespaces.push(name);
}

/** A /24 of 198.18.0.0/16 that no other run on this machine has in the host netns. */
function pickInternetOctet() {
  const used = spawnSync('ip', ['-4', 'route'], { encoding: 'utf8' }).stdout + spawnSync('ip', ['-4', 'addr'], { encoding: 'utf8' }).stdout;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const r = 1 + Math.floor(Math.random() * 250);
    if (!used.includes(`198.18.${r}.`)) return r;
  }
  throw new Error('no free 198.18.R.0/24 for the testbed');
}

function sh(command) {
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } });
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

function nsSh(netns, command) {
  return sh(`ip netns exec ${netns} ${command}`);
}

function readPid(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killPid(pid, signal) {
  if (!pid) return;
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

function unmountUnder(dir) {
  let points = [];
  try {
    points = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((p) => p && (p === dir || p.startsWith(`${dir}/`)));
  } catch {
    return;
  }
  for (const point of points.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', point]);
}

// `node scripts/testbed/homes.mjs check`: build it, show that each home reaches the hub
// address through its NAT, and remove it (CI's smoke test of the testbed itself).
if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) void cli();

async function cli() {
  const command = process.argv[2] ?? 'check';
  if (command === 'cleanup') {
    console.log(`removed ${cleanupStaleTestbeds()} stale testbed(s)`);
  } else if (command === 'check') {
    cleanupStaleTestbeds();
    const bed = await startHomes({ docker: process.argv.includes('--docker') });
    try {
      for (const home of bed.homes) {
        const result = bed.exec(home.netns, ['busybox', 'ping', '-c', '1', '-W', '2', bed.hubAddress]);
        console.log(`${home.netns} (${home.nat}) → ${bed.hubAddress}: ${result.status === 0 ? 'ok' : 'FAILED'}`);
        if (result.status !== 0) process.exitCode = 1;
      }
    } finally {
      await bed.stop();
    }
  } else {
    console.error('usage: node scripts/testbed/homes.mjs check [--docker] | cleanup');
    process.exitCode = 2;
  }
}
