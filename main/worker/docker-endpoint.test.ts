import { describe, expect, it } from 'vitest';
import { parseDockerHost, resolveDockerEndpoint } from './docker-endpoint';

const env = (over: Partial<Parameters<typeof resolveDockerEndpoint>[0]> = {}) => ({
  env: {},
  platform: 'linux' as NodeJS.Platform,
  home: '/home/u',
  exists: () => false,
  ...over,
});

describe('resolveDockerEndpoint', () => {
  it('takes DOCKER_HOST first, as the docker CLI does', () => {
    expect(resolveDockerEndpoint(env({ env: { DOCKER_HOST: 'unix:///tmp/d.sock' } }))).toMatchObject({ kind: 'socket', socketPath: '/tmp/d.sock' });
    expect(parseDockerHost('tcp://10.0.0.2:2376')).toMatchObject({ kind: 'tcp', host: '10.0.0.2', port: 2376, tls: true });
    expect(parseDockerHost('10.0.0.2:2375')).toMatchObject({ kind: 'tcp', port: 2375, tls: false });
    expect(parseDockerHost('npipe:////./pipe/docker_engine')).toMatchObject({ kind: 'socket', socketPath: '//./pipe/docker_engine' });
    expect(() => parseDockerHost('ssh://me@host')).toThrow(/does not support/);
  });

  it('finds Docker Desktop on macOS, the system socket on Linux, the named pipe on Windows', () => {
    expect(resolveDockerEndpoint(env({ platform: 'darwin', exists: (p) => p === '/home/u/.docker/run/docker.sock' })).label).toBe(
      'unix:///home/u/.docker/run/docker.sock',
    );
    expect(resolveDockerEndpoint(env({ exists: (p) => p === '/var/run/docker.sock' })).label).toBe('unix:///var/run/docker.sock');
    expect(resolveDockerEndpoint(env({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, exists: (p) => p === '/run/user/1000/docker.sock' })).label).toBe(
      'unix:///run/user/1000/docker.sock',
    );
    expect(resolveDockerEndpoint(env({ platform: 'win32' }))).toMatchObject({ socketPath: '//./pipe/docker_engine' });
    // Nothing found: the system socket, so the doctor's message names the usual place.
    expect(resolveDockerEndpoint(env()).label).toBe('unix:///var/run/docker.sock');
  });
});
