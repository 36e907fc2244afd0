import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** How to reach a Docker engine: a unix socket or named pipe, or TCP. */
export type DockerEndpoint =
  | { kind: 'socket'; socketPath: string; label: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean; label: string };

export interface EndpointEnvironment {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  exists(path: string): boolean;
}

const realEnvironment = (): EndpointEnvironment => ({
  env: process.env,
  platform: process.platform,
  home: homedir(),
  exists: existsSync,
});

/**
 * Where Docker listens on this machine. `DOCKER_HOST` wins, as it does for the docker
 * CLI; otherwise the first socket that exists among the usual places: the system
 * socket, rootless Docker, Docker Desktop (macOS `~/.docker/run/docker.sock`, Linux
 * `~/.docker/desktop/docker.sock`), Colima; on Windows Docker Desktop's named pipe.
 */
export function resolveDockerEndpoint(environment: EndpointEnvironment = realEnvironment()): DockerEndpoint {
  const fromEnv = environment.env.DOCKER_HOST?.trim();
  if (fromEnv) return parseDockerHost(fromEnv, environment.env.DOCKER_TLS_VERIFY === '1');

  if (environment.platform === 'win32') {
    return { kind: 'socket', socketPath: '//./pipe/docker_engine', label: 'npipe:////./pipe/docker_engine' };
  }
  const candidates = dockerSocketCandidates(environment);
  const found = candidates.find((path) => environment.exists(path)) ?? candidates[0]!;
  return { kind: 'socket', socketPath: found, label: `unix://${found}` };
}

export function dockerSocketCandidates(environment: EndpointEnvironment): string[] {
  const { home, platform, env } = environment;
  if (platform === 'darwin') {
    return [
      join(home, '.docker', 'run', 'docker.sock'),
      '/var/run/docker.sock',
      join(home, '.colima', 'default', 'docker.sock'),
      join(home, '.orbstack', 'run', 'docker.sock'),
    ];
  }
  const rootless = env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock')] : [];
  return ['/var/run/docker.sock', ...rootless, join(home, '.docker', 'desktop', 'docker.sock')];
}

export function parseDockerHost(value: string, tlsVerify = false): DockerEndpoint {
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length) || '/var/run/docker.sock';
    return { kind: 'socket', socketPath, label: `unix://${socketPath}` };
  }
  if (value.startsWith('npipe://')) {
    const socketPath = value.slice('npipe://'.length) || '//./pipe/docker_engine';
    return { kind: 'socket', socketPath, label: `npipe://${socketPath}` };
  }
  const withScheme = value.includes('://') ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`DOCKER_HOST "${value}" is not an address Idlegrid understands; use unix:///path/to/docker.sock or tcp://host:port.`);
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`DOCKER_HOST "${value}" uses ${url.protocol}, which Idlegrid does not support; use unix://, npipe:// or tcp://.`);
  }
  const port = Number(url.port || (tlsVerify ? 2376 : 2375));
  const tls = tlsVerify || url.protocol === 'https:' || port === 2376;
  return { kind: 'tcp', host: url.hostname, port, tls, label: `${tls ? 'https' : 'tcp'}://${url.hostname}:${port}` };
}
