import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ContainerEngine } from './container-engine';
import { findStaticBusybox, isStaticElf, ProbeImage, probeBinaryCandidates, PUBLIC_PROBE_IMAGE } from './probe-image';
import { parseProbeOutput } from './setup-doctor';

/** A minimal 64-bit little-endian ELF header with the given program header types. */
function elf(types: number[]): Buffer {
  const phoff = 0x40;
  const phentsize = 0x38;
  const bytes = Buffer.alloc(phoff + types.length * phentsize);
  bytes.writeUInt32BE(0x7f454c46, 0);
  bytes[4] = 2; // 64-bit
  bytes[5] = 1; // little-endian
  bytes.writeBigUInt64LE(BigInt(phoff), 0x20);
  bytes.writeUInt16LE(phentsize, 0x36);
  bytes.writeUInt16LE(types.length, 0x38);
  types.forEach((type, i) => bytes.writeUInt32LE(type, phoff + i * phentsize));
  return bytes;
}

describe('the probe image', () => {
  it('takes only a static executable: one that names no program interpreter', () => {
    expect(isStaticElf(elf([1, 1, 4]))).toBe(true);
    expect(isStaticElf(elf([6, 3, 1]))).toBe(false); // PT_INTERP: needs /lib's loader
    expect(isStaticElf(Buffer.from('#!/bin/sh\necho hi\n'))).toBe(false);
    expect(isStaticElf(elf([]))).toBe(false);
    // This machine's own binaries: Node is dynamically linked.
    expect(isStaticElf(readFileSync(process.execPath))).toBe(false);
  });

  it('looks in the app\'s resources first, then the machine\'s busybox-static', () => {
    expect(probeBinaryCandidates('/opt/Idlegrid/resources')).toEqual(['/opt/Idlegrid/resources/probe-image/busybox', '/bin/busybox', '/usr/bin/busybox']);
    expect(probeBinaryCandidates(undefined)).toEqual(['/bin/busybox', '/usr/bin/busybox']);
    expect(findStaticBusybox(['/no/such/file', process.execPath])).toBeNull();
  });

  it('falls back to the public image, and says it needs a registry, when no static busybox is found', async () => {
    const engine = { hasImage: async () => false } as unknown as ContainerEngine;
    expect(await new ProbeImage(engine, null, ['/no/such/busybox']).resolve()).toEqual({ ref: PUBLIC_PROBE_IMAGE, offline: false });
    expect(await new ProbeImage(engine, 'registry.local/busybox:test').resolve()).toEqual({ ref: 'registry.local/busybox:test', offline: true });
  });

  it('reads what the GPU check\'s container saw', () => {
    expect(parseProbeOutput('gpus=GPU-a,GPU-b\ndevices=nvidia0 nvidia1 \n')).toEqual({ gpus: ['GPU-a', 'GPU-b'], devices: ['nvidia0', 'nvidia1'] });
    expect(parseProbeOutput('gpus=\ndevices=dri kfd\n')).toEqual({ gpus: [], devices: ['dri', 'kfd'] });
    expect(parseProbeOutput('gpus=void\ndevices=\n')).toEqual({ gpus: [], devices: [] });
  });
});
