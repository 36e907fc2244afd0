import { posix } from 'node:path';
import type { AccessStream } from '../../../../hub-client/access-stream';
import type { ContainerEngine } from '../../../worker/container-engine';
import { DockerLogDemuxer } from '../../../worker/docker-log-demuxer';

/** What is kept of a command's stderr for the renter's error message. */
const STDERR_KEPT_BYTES = 2_048;

/**
 * File transfers into and out of a lease's container, by `docker exec` of the image's own
 * `cat`/`tar` (no network, no host path): the path is an argument, never shell text. An
 * upload writes the stream's bytes to a file; a download sends a file, or a folder as a
 * tar, with the stream's credit pacing the exec's output.
 */
export async function runNodeUpload(engine: ContainerEngine, containerId: string, path: string, stream: AccessStream, accept: () => void): Promise<void> {
  const exec = await engine.openExec(containerId, { cmd: ['sh', '-c', 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', 'sh', path], tty: false });
  accept();
  let stderr = '';
  const demuxer = new DockerLogDemuxer((which, payload) => {
    if (which === 'stderr' && stderr.length < STDERR_KEPT_BYTES) stderr += payload.toString('utf8');
  });
  exec.stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
  exec.stream.on('error', () => stream.closeWith('unavailable', 'The upload lost its connection to Docker on the node.'));
  stream.on('close', () => exec.stream.destroy());
  stream.pipe(exec.stream);
  await finished(exec.stream);
  const code = await exec.exitCode();
  if (code === 0) stream.end(() => stream.closeWith('done', `Uploaded to ${path}.`, 0));
  else stream.closeWith('conflict', `The upload to ${path} failed${code === null ? '' : ` (exit ${code})`}: ${stderr.trim() || 'no reason given'}`);
}

export async function runNodeDownload(engine: ContainerEngine, containerId: string, path: string, stream: AccessStream, accept: () => void, refuse: (reason: string) => void): Promise<void> {
  // A folder goes as a tar of itself; a file as its bytes.
  const probe = await engine.execInContainer(containerId, { cmd: ['sh', '-c', 'if [ -d "$1" ]; then echo dir; elif [ -f "$1" ]; then echo file; else echo none; fi', 'sh', path], timeoutMs: 10_000 });
  const kind = probe.stdout.trim();
  if (kind !== 'dir' && kind !== 'file') return refuse(`There is no file or folder ${path} in the node's container.`);
  const cmd = kind === 'dir' ? ['tar', '-c', '-C', posix.dirname(path), posix.basename(path) || '.'] : ['cat', '--', path];
  const exec = await engine.openExec(containerId, { cmd, tty: false });
  accept();
  exec.stream.end(); // nothing goes to its stdin
  let stderr = '';
  const demuxer = new DockerLogDemuxer((which, payload) => {
    if (which === 'stderr') {
      if (stderr.length < STDERR_KEPT_BYTES) stderr += payload.toString('utf8');
      return;
    }
    // The stream's credit paces Docker: a slow renter slows the exec's output.
    if (!stream.write(payload)) {
      exec.stream.pause();
      stream.once('drain', () => exec.stream.resume());
    }
  });
  exec.stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
  exec.stream.on('error', () => stream.closeWith('unavailable', 'The download lost its connection to Docker on the node.'));
  stream.on('close', () => exec.stream.destroy());
  await finished(exec.stream);
  const code = await exec.exitCode();
  if (code === 0) stream.end(() => stream.closeWith('done', `Downloaded ${path}${kind === 'dir' ? ' (a tar)' : ''}.`, 0));
  else stream.closeWith('conflict', `The download of ${path} failed${code === null ? '' : ` (exit ${code})`}: ${stderr.trim() || 'no reason given'}`);
}

function finished(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}
