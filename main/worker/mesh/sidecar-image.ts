import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ContainerEngine } from '../container-engine';
import { MESH_INTERFACE } from '../../../common/mesh';

/**
 * The mesh sidecar image, built on this machine from its own Debian binaries
 * (wireguard-go, wg, iproute2's ip, iptables-nft with its extensions, a static busybox)
 * and the shared libraries `ldd` names, then `docker import`ed: nothing is pulled from
 * an image hub. The tag is a hash of every file, so a changed binary makes a new image
 * and an unchanged machine reuses the one it has.
 */
const BINARIES: Array<{ from: string; names: string[] }> = [
  { from: '/usr/bin/wireguard-go', names: ['/usr/bin/wireguard-go'] },
  { from: '/usr/bin/wg', names: ['/usr/bin/wg'] },
  { from: '/usr/sbin/ip', names: ['/usr/sbin/ip'] },
  {
    from: '/usr/sbin/xtables-nft-multi',
    names: ['/usr/sbin/xtables-nft-multi', '/usr/sbin/iptables', '/usr/sbin/iptables-restore', '/usr/sbin/iptables-save'],
  },
];
const BUSYBOX = '/bin/busybox';
const XTABLES_DIR = '/usr/lib/x86_64-linux-gnu/xtables';
/** The iptables extensions the sidecar's rules use (sidecar-firewall.ts), and no more. */
const XTABLES_EXTENSIONS = ['libxt_standard.so', 'libxt_conntrack.so', 'libxt_udp.so', 'libxt_tcp.so', 'libipt_REJECT.so', 'libxt_state.so'];

/**
 * PID 1 of the sidecar. Until the worker loads the lease's rules nothing but loopback
 * passes; wireguard-go then makes the mesh interface in the foreground so the sidecar
 * ends when it does.
 */
export const SIDECAR_ENTRYPOINT = `#!/bin/sh
set -e
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -P OUTPUT DROP
iptables -A INPUT -i lo -j ACCEPT
iptables -A OUTPUT -o lo -j ACCEPT
mkdir -p /run/wireguard
WG_PROCESS_FOREGROUND=1 wireguard-go ${MESH_INTERFACE} &
child=$!
trap 'kill $child' TERM INT
wait $child
`;

export function sidecarImageToolsMissing(): string[] {
  const missing: string[] = [];
  for (const { from } of BINARIES) if (!existsSync(from)) missing.push(from);
  if (!existsSync(BUSYBOX)) missing.push(BUSYBOX);
  if (!existsSync(XTABLES_DIR)) missing.push(XTABLES_DIR);
  return missing;
}

/** Builds (or finds) the sidecar image in `engine`; returns its reference. */
export async function ensureSidecarImage(engine: ContainerEngine): Promise<string> {
  const missing = sidecarImageToolsMissing();
  if (missing.length > 0) throw new Error(`The mesh needs ${missing.join(', ')} on this machine (apt-get install wireguard-go wireguard-tools iproute2 iptables busybox-static).`);
  const files = collectFiles();
  const hash = createHash('sha256');
  hash.update(SIDECAR_ENTRYPOINT);
  for (const file of [...files].sort()) hash.update(file).update(readFileSync(file));
  const ref = `idlegrid/mesh-sidecar:${hash.digest('hex').slice(0, 16)}`;
  if (await engine.hasImage(ref)) return ref;

  const root = mkdtempSync(join(tmpdir(), 'idlegrid-sidecar-'));
  try {
    for (const file of files) {
      mkdirSync(join(root, dirname(file)), { recursive: true });
      copyFileSync(file, join(root, file));
      chmodSync(join(root, file), 0o755);
    }
    for (const { from, names } of BINARIES) {
      for (const name of names) {
        if (name === from) continue;
        mkdirSync(join(root, dirname(name)), { recursive: true });
        symlinkSync(from, join(root, name));
      }
    }
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').map((a) => a.trim());
    for (const applet of applets) {
      // iproute2's ip and the real iptables, not busybox's cut-down ones.
      if (!applet || applet === 'busybox' || applet.startsWith('ip')) continue;
      symlinkSync('busybox', join(root, 'bin', applet));
    }
    for (const dir of ['etc', 'tmp', 'run', 'mesh', 'var']) mkdirSync(join(root, dir), { recursive: true });
    symlinkSync('/run', join(root, 'var', 'run'));
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\n');
    writeFileSync(join(root, 'mesh', 'entry.sh'), SIDECAR_ENTRYPOINT, { mode: 0o755 });
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await engine.importImage(tar.stdout, ref, [
      'ENV PATH=/usr/sbin:/usr/bin:/bin',
      'CMD ["/bin/sh", "/mesh/entry.sh"]',
      'LABEL io.idlegrid.mesh-sidecar=1',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return ref;
}

let collected: Set<string> | null = null;

/** The binaries, the xtables extensions and every shared library they load (as `ldd` lists them); once per process. */
function collectFiles(): Set<string> {
  if (collected) return collected;
  const files = new Set<string>();
  const present = new Set(readdirSync(XTABLES_DIR));
  const objects = [...BINARIES.map((b) => b.from), ...XTABLES_EXTENSIONS.filter((f) => present.has(f)).map((f) => join(XTABLES_DIR, f))];
  for (const object of objects) files.add(object);
  {
    const ldd = spawnSync('ldd', objects, { encoding: 'utf8' }).stdout ?? '';
    for (const line of ldd.split('\n')) {
      const match = /(\/\S+)\s+\(0x/.exec(line);
      if (!match) continue;
      const library = match[1]!;
      files.add(library);
      // The loader and libraries are often links; the image needs the file under both names.
      const real = realpathSync(library);
      if (real !== library) files.add(real);
    }
  }
  collected = files;
  return files;
}
