import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerEngine } from './container-engine';

/**
 * The tiny image the setup doctor's GPU check and "Run a test job" run, made on this
 * machine from a static busybox the app carries (`docker import`), so both work offline:
 * the welcome promises that everything does, and no public registry is asked.
 *
 * Where the binary comes from (decided, see README "Test image"): the packaged app carries
 * it under its resources (`probe-image/busybox`, copied from Debian's busybox-static when
 * the installer is built; GPLv2, its source is Debian's); run from a clone, the app uses
 * the machine's own busybox-static (`/bin/busybox`). Only a static binary will do: the image
 * has no shared libraries. With none found, the public `busybox` image is pulled instead,
 * and the doctor says that this needs the internet.
 */
export const PUBLIC_PROBE_IMAGE = 'busybox:1.36.1';

/** The applets the probe and the test job use. */
const APPLETS = ['sh', 'echo', 'true', 'cat', 'ls', 'sleep', 'hostname', 'env', 'id', 'grep', 'tr', 'mkdir'];

/** Where a static busybox may be, most specific first. */
export function probeBinaryCandidates(resourcesPath: string | undefined = (process as { resourcesPath?: string }).resourcesPath): string[] {
  return [...(resourcesPath ? [join(resourcesPath, 'probe-image', 'busybox')] : []), '/bin/busybox', '/usr/bin/busybox'];
}

const PT_INTERP = 3;

/**
 * True for a statically linked ELF executable: it names no program interpreter
 * (PT_INTERP), so it runs in an image with no /lib. Reads only the ELF and program headers.
 */
export function isStaticElf(bytes: Buffer): boolean {
  if (bytes.length < 0x40 || bytes.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  const u16 = (o: number) => (little ? bytes.readUInt16LE(o) : bytes.readUInt16BE(o));
  const u32 = (o: number) => (little ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const phoff = is64 ? Number(little ? bytes.readBigUInt64LE(0x20) : bytes.readBigUInt64BE(0x20)) : u32(0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  if (phnum === 0 || phoff + phnum * phentsize > bytes.length) return false;
  for (let i = 0; i < phnum; i++) if (u32(phoff + i * phentsize) === PT_INTERP) return false;
  return true;
}

/** The first candidate that is a static busybox, or null. */
export function findStaticBusybox(candidates: readonly string[] = probeBinaryCandidates()): string | null {
  for (const path of candidates) {
    try {
      if (existsSync(path) && isStaticElf(readFileSync(path))) return path;
    } catch {
      // unreadable: try the next
    }
  }
  return null;
}

/** Builds (or finds) the probe image from `busybox` in `engine`; the tag is the binary's hash. */
export async function ensureProbeImage(engine: ContainerEngine, busybox: string): Promise<string> {
  const binary = readFileSync(busybox);
  const ref = `idlegrid/probe:${createHash('sha256').update(binary).update(APPLETS.join(',')).digest('hex').slice(0, 16)}`;
  if (await engine.hasImage(ref)) return ref;
  const root = mkdtempSync(join(tmpdir(), 'idlegrid-probe-'));
  try {
    mkdirSync(join(root, 'bin'));
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const applet of APPLETS) symlinkSync('busybox', join(root, 'bin', applet));
    // No /scratch here: Docker makes the mountpoint, and a directory in the image would be
    // copied onto the tmpfs with its owner and mode (root, 0755), so the job (nobody) could not write.
    for (const dir of ['etc', 'tmp']) mkdirSync(join(root, dir));
    chmodSync(join(root, 'tmp'), 0o1777);
    writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n');
    writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await engine.importImage(tar.stdout, ref, ['ENV PATH=/bin', 'CMD ["/bin/sh"]', 'LABEL io.idlegrid.probe=1']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return ref;
}

/**
 * Which image the probe runs: a fixed one when given (tests), else the one built from the
 * carried busybox (made once per engine connection, reused while it exists), else the
 * public image. `offline` says whether it needs no registry.
 */
export class ProbeImage {
  private built: string | null = null;

  constructor(
    private readonly engine: ContainerEngine,
    private readonly fixed: string | null,
    private readonly candidates: readonly string[] = probeBinaryCandidates(),
  ) {}

  async resolve(): Promise<{ ref: string; offline: boolean }> {
    if (this.fixed) return { ref: this.fixed, offline: true };
    if (this.built && (await this.engine.hasImage(this.built))) return { ref: this.built, offline: true };
    const busybox = findStaticBusybox(this.candidates);
    if (!busybox) return { ref: PUBLIC_PROBE_IMAGE, offline: false };
    this.built = await ensureProbeImage(this.engine, busybox);
    return { ref: this.built, offline: true };
  }
}
