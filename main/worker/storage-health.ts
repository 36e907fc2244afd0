import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { Disposable } from '../../common/lifecycle';
import type { Logger } from '../../common/logger';
import { storageFailureText } from '../../sqlite/storage-failure';

export interface StorageStatus {
  state: 'ok' | 'failing';
  /** What failed, in plain words (null while ok). */
  message: string | null;
  sinceMs: number | null;
}

/**
 * Whether the worker's writes to ledger.db go through. A full disk must not end the
 * app (issue 19): the runner reports each failed write here, the worker refuses new
 * jobs while it fails and says why, and the first write that goes through again clears it.
 */
export class StorageHealth implements Disposable {
  private current: StorageStatus = { state: 'ok', message: null, sinceMs: null };
  private readonly changed = new Emitter<StorageStatus>();
  readonly onDidChange: Event<StorageStatus> = this.changed.event;

  constructor(
    private readonly logger: Logger,
    private readonly nowMs: () => number,
  ) {}

  status(): StorageStatus {
    return this.current;
  }

  /** Runs a write; a storage failure is recorded (and rethrown), a success clears one. */
  write<T>(what: string, body: () => T): T {
    let result: T;
    try {
      result = body();
    } catch (error) {
      this.failed(what, error);
      throw error;
    }
    this.succeeded();
    return result;
  }

  /** True when `error` was a storage failure (recorded here); false for any other error. */
  failed(what: string, error: unknown): boolean {
    const text = storageFailureText(error);
    if (!text) return false;
    if (this.current.state !== 'failing') {
      this.logger.error({ err: error, what }, 'a write to ledger.db failed; the worker takes no new jobs until it can write');
      this.current = { state: 'failing', message: text, sinceMs: this.nowMs() };
      this.changed.fire(this.current);
    }
    return true;
  }

  succeeded(): void {
    if (this.current.state === 'ok') return;
    this.logger.info({}, 'writes to ledger.db go through again');
    this.current = { state: 'ok', message: null, sinceMs: null };
    this.changed.fire(this.current);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
