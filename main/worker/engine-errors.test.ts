import { describe, expect, it } from 'vitest';
import { EngineError } from './container-engine';
import { describeEngineUnreachable, describePullFailure, describeStartFailure, registryOf } from './engine-errors';

describe('engine errors in plain words', () => {
  it('knows which registry an image comes from', () => {
    expect(registryOf('busybox')).toBe('docker.io');
    expect(registryOf('library/busybox:1')).toBe('docker.io');
    expect(registryOf('ghcr.io/org/x:1')).toBe('ghcr.io');
    expect(registryOf('127.0.0.1:5000/x')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/x')).toBe('localhost');
  });

  it('tells a missing image, a refused login and an unreachable registry apart (dockerd 20.10 messages)', () => {
    const endpoint = 'unix:///var/run/docker.sock';
    expect(describePullFailure('r:1/a/b:1', new EngineError('manifest for r:1/a/b:1 not found: manifest unknown: manifest unknown', 404), endpoint).kind).toBe('not-found');
    expect(
      describePullFailure('r:1/a/b:1', new EngineError('Head "http://r:1/v2/a/b/manifests/1": no basic auth credentials', 500), endpoint).kind,
    ).toBe('auth');
    expect(
      describePullFailure('a/b', new EngineError('pull access denied for a/b, repository does not exist or may require \'docker login\': denied: requested access to the resource is denied', 404), endpoint).kind,
    ).toBe('auth');
    const unreachable = describePullFailure('127.0.0.1:9/a:1', new EngineError('Get "http://127.0.0.1:9/v2/": dial tcp 127.0.0.1:9: connect: connection refused', 500), endpoint);
    expect(unreachable.kind).toBe('unreachable');
    expect(unreachable.message).toMatch(/Could not reach the registry 127\.0\.0\.1:9/);
  });

  it('recognises a machine without the NVIDIA Container Toolkit and says how to install it', () => {
    const error = new EngineError('could not select device driver "nvidia" with capabilities: [[gpu]]', 500);
    expect(describeStartFailure(error, 'x')).toMatch(/NVIDIA Container Toolkit is not installed.*nvidia-ctk runtime configure/);
  });

  it('says which AMD device node is missing when Docker cannot map it', () => {
    const kfd = new EngineError('error gathering device information while adding custom device "/dev/kfd": no such file or directory', 500);
    expect(describeStartFailure(kfd, 'x')).toMatch(/^Docker cannot give containers the AMD GPUs: \/dev\/kfd is missing.*Install ROCm/);
    const render = new EngineError('error gathering device information while adding custom device "/dev/dri/renderD129": no such file or directory', 500);
    expect(describeStartFailure(render, 'x')).toMatch(/its render node \/dev\/dri\/renderD129 is missing.*detect the hardware again/);
  });

  it('says how to fix Docker not running or not allowed', () => {
    expect(describeEngineUnreachable('unix:///x.sock', new EngineError('connect ENOENT /x.sock', null, 'ENOENT'))).toMatch(/Docker is not running.*Start Docker/);
    expect(describeEngineUnreachable('unix:///x.sock', new EngineError('connect EACCES', null, 'EACCES'))).toMatch(/docker" group/);
  });
});
