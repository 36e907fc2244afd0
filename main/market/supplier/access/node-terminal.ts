import type { AccessStream } from '../../../../hub-client/access-stream';
import type { ContainerEngine } from '../../../worker/container-engine';

/** The shell a terminal gets: bash where the image has it, sh otherwise. */
export const TERMINAL_COMMAND = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -i; else exec sh -i; fi'];

/**
 * A renter's terminal on this machine: `docker exec` with a TTY in the lease's container,
 * its bytes both ways over the access stream (the TTY does UTF-8, echo and Ctrl-C), the
 * renter's resizes passed on, and the shell's exit code sent when it ends.
 */
export async function runNodeTerminal(engine: ContainerEngine, containerId: string, stream: AccessStream, size: { cols: number; rows: number }, accept: () => void): Promise<void> {
  const exec = await engine.openExec(containerId, { cmd: TERMINAL_COMMAND, tty: true, cols: size.cols, rows: size.rows, env: ['TERM=xterm-256color', 'LANG=C.UTF-8', 'LC_ALL=C.UTF-8'] });
  accept();
  stream.on('resize', (cols: number, rows: number) => void exec.resize(cols, rows).catch(() => undefined));
  stream.pipe(exec.stream);
  exec.stream.pipe(stream, { end: false });
  const closeExec = () => exec.stream.destroy();
  stream.once('close', closeExec);
  exec.stream.once('error', () => stream.closeWith('unavailable', 'The terminal lost its connection to Docker on the node.'));
  exec.stream.once('end', () => {
    stream.off('close', closeExec);
    void exec.exitCode().then((code) => stream.end(() => stream.closeWith('done', code === null ? 'The shell ended.' : `The shell exited with code ${code}.`, code ?? undefined)));
  });
}
