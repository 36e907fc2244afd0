import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobSpecSchema } from '../../common/worker/job-spec';
import { nvidiaContainerDevices } from '../hardware/vendors/nvidia/nvidia-container';
import { NOBODY_USER, containerUser, hardenedContainerSpec } from './hardened-container';
import { jobLabels, jobResourceNames } from './job-resources';

const base = {
  jobId: 'job-1',
  leaseId: 'lease-1',
  image: 'ghcr.io/org/train:1.2',
  cpuCores: 2,
  memoryLimitMb: 1024,
  scratchSizeMb: 2048,
  maxDurationMs: 3_600_000,
};

describe('JobSpec', () => {
  it('fills defaults and refuses what would widen a job\'s reach', () => {
    const spec = jobSpecSchema.parse(base);
    expect(spec).toMatchObject({ command: [], env: {}, gpuUuids: [], egress: false, pullPolicy: 'if-missing', tmpSizeMb: 64 });
    expect(jobSpecSchema.safeParse({ ...base, env: { NVIDIA_VISIBLE_DEVICES: 'all' } }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, jobId: '../etc' }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, image: 'UPPER/case' }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, privileged: true }).success).toBe(false);
  });
});

describe('hardenedContainerSpec', () => {
  const spec = jobSpecSchema.parse({
    ...base,
    command: ['python', 'train.py'],
    env: { EPOCHS: '3' },
    gpuUuids: ['GPU-aaaa', 'GPU-bbbb'],
    exposedPorts: [{ port: 8888 }],
  });
  const names = jobResourceNames('0123456789abcdef', spec.leaseId, spec.jobId);
  const gpus = nvidiaContainerDevices(spec.gpuUuids.map((uuid) => ({ uuid })));
  const { name, body } = hardenedContainerSpec(spec, names, jobLabels('0123456789abcdef', spec.leaseId, spec.jobId), gpus);
  const host = body.HostConfig as Record<string, unknown>;

  it('drops every capability, forbids new privileges, and is not privileged', () => {
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).toEqual([]);
    expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(host.Privileged).toBe(false);
  });

  it('has a read-only root and sized tmpfs /tmp, /scratch and /outputs; no volume, no host path', () => {
    expect(host.ReadonlyRootfs).toBe(true);
    // Scratch and outputs of exactly the size asked (2048 MB): the kernel refuses writes past it.
    expect(host.Tmpfs).toEqual({
      '/tmp': 'rw,nosuid,nodev,size=64m,mode=1777',
      '/scratch': `rw,nosuid,nodev,size=${2048 * 1024}k,mode=1777`,
      '/outputs': `rw,nosuid,nodev,size=${2048 * 1024}k,mode=1777`,
    });
    expect(host.Binds).toEqual([]);
    expect(host.Mounts).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/docker\.sock|"Type":"bind"/);
  });

  it('limits memory (no swap), CPU and pids, and runs on the lease network', () => {
    // Memory plus scratch: the scratch is a tmpfs whose pages the job's writes are charged for.
    expect(host.Memory).toBe((1024 + 2048) * 1024 * 1024);
    expect(host.MemorySwap).toBe((1024 + 2048) * 1024 * 1024);
    expect(host.NanoCpus).toBe(2e9);
    expect(host.PidsLimit).toBe(1024);
    expect(host.NetworkMode).toBe(names.network);
    expect(host.PortBindings).toEqual({ '8888/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  });

  it('asks for exactly the leased GPUs, through runc', () => {
    expect(host.Runtime).toBe('runc');
    expect(host.DeviceRequests).toEqual([{ Driver: 'nvidia', DeviceIDs: ['GPU-aaaa', 'GPU-bbbb'], Capabilities: [['gpu', 'compute', 'utility']] }]);
    expect(host.Devices).toEqual([]);
    expect(body.Env).not.toContain('NVIDIA_VISIBLE_DEVICES=void');
    const cpuOnly = hardenedContainerSpec({ ...spec, gpuUuids: [] }, names, {}, gpus);
    expect((cpuOnly.body.HostConfig as Record<string, unknown>).DeviceRequests).toEqual([]);
    expect(cpuOnly.body.Env).toContain('NVIDIA_VISIBLE_DEVICES=void');
  });

  it('maps AMD GPUs as device nodes, with no device request and NVIDIA_VISIBLE_DEVICES=void', () => {
    const amd = {
      deviceRequests: [],
      devices: [
        { PathOnHost: '/dev/kfd', PathInContainer: '/dev/kfd', CgroupPermissions: 'rw' },
        { PathOnHost: '/dev/dri/renderD128', PathInContainer: '/dev/dri/renderD128', CgroupPermissions: 'rw' },
      ],
    };
    const { body: amdBody } = hardenedContainerSpec({ ...spec, gpuUuids: ['0x79ccd55167a2124a'] }, names, {}, amd);
    const amdHost = amdBody.HostConfig as Record<string, unknown>;
    expect(amdHost.Devices).toEqual(amd.devices);
    expect(amdHost.DeviceRequests).toEqual([]);
    expect(amdHost.CapAdd).toEqual([]);
    expect(amdHost.Binds).toEqual([]);
    expect(amdBody.Env).toContain('NVIDIA_VISIBLE_DEVICES=void');
  });

  it('is named and labelled after the app, worker, lease and job', () => {
    expect(name).toBe('idlegrid-0123456789ab-job-job-1');
    expect(body.Labels).toEqual({
      'io.idlegrid.app': 'idlegrid',
      'io.idlegrid.worker': '0123456789abcdef',
      'io.idlegrid.lease': 'lease-1',
      'io.idlegrid.job': 'job-1',
    });
    expect(body.Cmd).toEqual(['python', 'train.py']);
    expect(body.Env).toEqual(expect.arrayContaining(['EPOCHS=3', 'IDLEGRID_JOB_ID=job-1', 'IDLEGRID_LEASE_ID=lease-1']));
  });
});

describe('hardenedContainerSpec in a lease mesh', () => {
  const spec = jobSpecSchema.parse({ ...base, exposedPorts: [{ port: 8888 }] });
  const names = jobResourceNames('0123456789abcdef', spec.leaseId, spec.jobId);
  const { body } = hardenedContainerSpec(spec, names, {}, { deviceRequests: [], devices: [] }, { sidecar: 'sidecar-id' });
  const host = body.HostConfig as Record<string, unknown>;

  it('joins the sidecar\'s namespace with no capability, and leaves hostname, ports and aliases to the sidecar', () => {
    expect(host.NetworkMode).toBe('container:sidecar-id');
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).toEqual([]);
    expect(host.Devices).toEqual([]);
    expect(host.PortBindings).toEqual({});
    expect(body.Hostname).toBeUndefined();
    expect(body.ExposedPorts).toBeUndefined();
    expect(body.NetworkingConfig).toBeUndefined();
  });
});

describe('containerUser (issue 14, item 5)', () => {
  const plain = jobSpecSchema.parse(base);
  const rootAsked = jobSpecSchema.parse({ ...base, runAsRoot: true });

  it("honours the image's unprivileged USER, and never root unless the renter asked", () => {
    expect(containerUser(plain, 'app')).toBe('app');
    expect(containerUser(plain, '1000:1000')).toBe('1000:1000');
    // No USER, or USER root (by name or number): nobody.
    for (const user of ['', ' ', 'root', '0', '0:0', 'root:root']) expect(containerUser(plain, user)).toBe(NOBODY_USER);
    expect(containerUser(rootAsked, 'app')).toBe('0:0');
  });

  it('puts the user in the create body, nobody when none is given', () => {
    const names = jobResourceNames('0123456789abcdef', plain.leaseId, plain.jobId);
    const noGpus = { deviceRequests: [], devices: [] };
    expect(hardenedContainerSpec(plain, names, {}, noGpus).body.User).toBe(NOBODY_USER);
    expect(hardenedContainerSpec(plain, names, {}, noGpus, undefined, '1000:1000').body.User).toBe('1000:1000');
  });

  it("adds the groups that own the GPUs' device nodes, so an unprivileged job can open them", () => {
    const node = join(mkdtempSync(join(tmpdir(), 'idlegrid-dev-')), 'renderD128');
    writeFileSync(node, '');
    const withGpu = jobSpecSchema.parse({ ...base, gpuUuids: ['0'] });
    const names = jobResourceNames('0123456789abcdef', withGpu.leaseId, withGpu.jobId);
    const amd = { deviceRequests: [], devices: [{ PathOnHost: node, PathInContainer: '/dev/dri/renderD128', CgroupPermissions: 'rw' }] };
    const host = hardenedContainerSpec(withGpu, names, {}, amd).body.HostConfig as Record<string, unknown>;
    expect(host.GroupAdd).toEqual([String(statSync(node).gid)]);
    rmSync(dirname(node), { recursive: true, force: true });
  });
});
