import { execFile } from 'node:child_process';

/**
 * How one run of a vendor tool ended. The detector turns each kind into words a user
 * can act on, so they are kept apart: a missing tool is normal (no such GPU), a tool
 * that failed has something to say on stderr, and a tool that hangs points at the driver.
 */
export type CommandOutcome =
  | { kind: 'ok'; stdout: string; stderr: string }
  | { kind: 'missing'; command: string }
  | { kind: 'failed'; exitCode: number | null; signal: string | null; stdout: string; stderr: string; error: string | null }
  | { kind: 'timeout'; timeoutMs: number; pid: number | null };

export interface CommandRunOptions {
  timeoutMs: number;
}

export interface CommandRunner {
  /** Never rejects: every way a run can end is a `CommandOutcome`. */
  run(command: string, args: readonly string[], options: CommandRunOptions): Promise<CommandOutcome>;
}

export interface ExecFileRunnerOptions {
  /** Environment of the children; the app's own by default (tests put the replays on PATH). */
  env?: NodeJS.ProcessEnv;
  /** `nvidia-smi -q -x` is ~28 KiB per GPU, more with many processes; 64 MiB leaves room for large hosts. */
  maxBufferBytes?: number;
}

/**
 * Runs a tool with child_process.execFile (no shell: arguments are never interpreted).
 * The timeout is our own timer rather than execFile's: on expiry we SIGKILL the child
 * and settle at once, even if the child never exits — a GPU driver stuck in the kernel
 * can leave nvidia-smi unkillable, and detection must still answer.
 */
export class ExecFileRunner implements CommandRunner {
  private readonly env: NodeJS.ProcessEnv | undefined;
  private readonly maxBufferBytes: number;

  constructor(options: ExecFileRunnerOptions = {}) {
    this.env = options.env;
    this.maxBufferBytes = options.maxBufferBytes ?? 64 * 1024 * 1024;
  }

  run(command: string, args: readonly string[], options: CommandRunOptions): Promise<CommandOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: CommandOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      let child: ReturnType<typeof execFile>;
      try {
        child = execFile(
          command,
          [...args],
          { env: this.env, maxBuffer: this.maxBufferBytes, windowsHide: true, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (!error) return settle({ kind: 'ok', stdout, stderr });
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'ENOENT') return settle({ kind: 'missing', command });
            const exitCode = typeof code === 'number' ? code : null;
            settle({
              kind: 'failed',
              exitCode,
              signal: (error as { signal?: string | null }).signal ?? null,
              stdout,
              stderr,
              // Spawn errors (EACCES) and maxBuffer overflows have no exit code; keep their message.
              error: exitCode === null ? error.message : null,
            });
          },
        );
      } catch (error) {
        // execFile throws synchronously only for invalid arguments; report it as a failure.
        resolve({ kind: 'failed', exitCode: null, signal: null, stdout: '', stderr: '', error: String(error) });
        return;
      }
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        settle({ kind: 'timeout', timeoutMs: options.timeoutMs, pid: child.pid ?? null });
      }, options.timeoutMs);
    });
  }
}
