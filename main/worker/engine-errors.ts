import { explainGpuContainerFailure } from '../hardware/vendors';
import { EngineError } from './container-engine';
import { errorText } from '../../common/errors';

/**
 * Engine failures in words an owner can act on. Docker's own messages are precise but
 * written for Docker experts ("manifest unknown", "could not select device driver");
 * each function here recognises one family and says what happened and what to do.
 */

export type PullFailureKind = 'not-found' | 'auth' | 'unreachable' | 'insecure' | 'engine' | 'other';

export interface PullFailure {
  kind: PullFailureKind;
  message: string;
}

/** The registry an image comes from, as Docker decides it: a first part with a dot, a colon or "localhost". */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

export function describePullFailure(image: string, error: unknown, endpoint: string): PullFailure {
  const raw = errorText(error);
  const registry = registryOf(image);
  if (error instanceof EngineError && error.isConnectionFailure) {
    return { kind: 'engine', message: describeEngineUnreachable(endpoint, error) };
  }
  if (/manifest unknown|manifest for .* not found|not found: manifest|repository does not exist|name unknown|no such image|404 Not Found/i.test(raw) && !/denied|unauthorized/i.test(raw)) {
    return {
      kind: 'not-found',
      message: `The image ${image} does not exist in ${registry}. Check the image name and tag (they are case-sensitive).`,
    };
  }
  if (/unauthorized|authentication required|no basic auth credentials|denied|401|403 Forbidden/i.test(raw)) {
    return {
      kind: 'auth',
      message:
        `${registry} refused access to ${image}: the image is private or does not exist. ` +
        `If it is private, log in on this machine with \`docker login ${registry === 'docker.io' ? '' : registry}\`` +
        ' and try again; otherwise check the image name.',
    };
  }
  if (/server gave HTTP response to HTTPS client/i.test(raw)) {
    return {
      kind: 'insecure',
      message: `${registry} only speaks plain HTTP. Add it to Docker's "insecure-registries" setting, or use a registry with HTTPS.`,
    };
  }
  if (/connection refused|no such host|i\/o timeout|dial tcp|network is unreachable|TLS handshake timeout|context deadline exceeded|Client.Timeout|EOF/i.test(raw)) {
    return {
      kind: 'unreachable',
      message: `Could not reach the registry ${registry} to download ${image}. Check this machine's internet connection and the registry address, then try again.`,
    };
  }
  return { kind: 'other', message: `Downloading ${image} failed: ${raw}` };
}

/** Docker is not answering at its socket: not installed, not started, or not allowed. */
export function describeEngineUnreachable(endpoint: string, error: unknown): string {
  const errno = error instanceof EngineError ? error.errno : ((error as { code?: string } | null)?.code ?? null);
  if (errno === 'EACCES' || errno === 'EPERM') {
    return (
      `Idlegrid may not use Docker at ${endpoint} (permission denied). On Linux, add your user to the "docker" group ` +
      '(`sudo usermod -aG docker $USER`), then log out and back in.'
    );
  }
  if (errno === 'ENOENT' || errno === 'ECONNREFUSED') {
    return (
      `Docker is not running (nothing answers at ${endpoint}). Start Docker Desktop, or on Linux ` +
      '`sudo systemctl start docker`; if Docker is not installed, install it from https://docs.docker.com/engine/install/.'
    );
  }
  return `Docker at ${endpoint} did not answer (${errorText(error)}). Check that Docker is running, then try again.`;
}

/** Why a container could not be created or started, in plain words. */
export function describeStartFailure(error: unknown, endpoint: string): string {
  if (error instanceof EngineError && error.isConnectionFailure) return describeEngineUnreachable(endpoint, error);
  const raw = errorText(error);
  // A vendor's driver knows its own failures (the NVIDIA toolkit missing, an AMD device node gone).
  const gpuFailure = explainGpuContainerFailure(raw);
  if (gpuFailure) return `${gpuFailure.summary} ${gpuFailure.fix}`;
  if (/Range of CPUs is from/i.test(raw)) {
    return `The job asks for more CPUs than Docker has on this machine (${shorten(raw)}). It cannot run here.`;
  }
  if (/no space left on device/i.test(raw)) {
    return "The disk holding Docker's data is full. Free some space (`docker system prune`) and try again.";
  }
  if (/executable file not found|no such file or directory.*exec|exec format error/i.test(raw)) {
    return `The job's command could not be started in its image (${shorten(raw)}). The renter's image or command is wrong.`;
  }
  return `Docker could not start the job: ${shorten(raw)}`;
}

function shorten(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
