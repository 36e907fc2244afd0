import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { AccessTerminal, AccessTerminalClosed } from '../../../../common/api/access';
import { ApiError } from '../../../../common/api/errors';
import { Emitter } from '../../../../common/event';
import type { Event } from '../../../../common/event';
import { AccessStreamError } from '../../../../hub-client/access-stream';
import type { AccessStream } from '../../../../hub-client/access-stream';
import type { AccessTarget } from '../../../../hub-client/renter-access-client';

/** Opens streams for the renter (the app's RenterAccessClient of the current hub and wallet). */
export interface StreamOpener {
  open(target: AccessTarget): Promise<AccessStream>;
  resize(stream: AccessStream, cols: number, rows: number): void;
}

interface OpenTerminal {
  info: AccessTerminal;
  stream: AccessStream;
  opener: StreamOpener;
}

const MAX_TERMINALS = 16;

/**
 * The renter's open terminals: each a stream to one node, its output decoded as UTF-8
 * (characters split across chunks kept whole) and handed to the UI, its input and
 * resizes passed on. Several at once, on any nodes.
 */
export class RenterTerminals {
  private readonly terminals = new Map<string, OpenTerminal>();
  private readonly output = new Emitter<{ terminalId: string; data: string }>();
  private readonly closed = new Emitter<AccessTerminalClosed>();
  readonly onOutput: Event<{ terminalId: string; data: string }> = this.output.event;
  readonly onClosed: Event<AccessTerminalClosed> = this.closed.event;

  constructor(private readonly nowMs: () => number) {}

  list(): AccessTerminal[] {
    return [...this.terminals.values()].map((t) => t.info);
  }

  async open(opener: StreamOpener, leaseId: string, rank: number, cols: number, rows: number): Promise<AccessTerminal> {
    if (this.terminals.size >= MAX_TERMINALS) throw new ApiError('conflict', `At most ${MAX_TERMINALS} terminals can be open; close one first.`, 'too_many_terminals');
    let stream: AccessStream;
    try {
      stream = await opener.open({ leaseId, rank, kind: 'terminal', cols, rows });
    } catch (error) {
      if (error instanceof AccessStreamError) throw new ApiError(error.code === 'not_found' ? 'not_found' : 'conflict', `The terminal could not open: ${error.message}`, `access_${error.code}`);
      throw error;
    }
    const info: AccessTerminal = { terminalId: `term-${randomBytes(6).toString('hex')}`, leaseId, rank, openedAtMs: this.nowMs() };
    this.terminals.set(info.terminalId, { info, stream, opener });
    const decoder = new StringDecoder('utf8');
    stream.on('data', (chunk: Buffer) => {
      const data = decoder.write(chunk);
      if (data) this.output.fire({ terminalId: info.terminalId, data });
    });
    let failure: Error | null = null;
    stream.on('error', (error) => (failure = error));
    stream.once('close', () => {
      this.terminals.delete(info.terminalId);
      const rest = decoder.end();
      if (rest) this.output.fire({ terminalId: info.terminalId, data: rest });
      const reason = failure ? failure.message : (stream.closeReason ?? 'The terminal was closed.');
      this.closed.fire({ terminalId: info.terminalId, reason, exitCode: stream.exitCode, failed: failure !== null });
    });
    return info;
  }

  input(terminalId: string, data: string): void {
    this.get(terminalId).stream.write(data);
  }

  resize(terminalId: string, cols: number, rows: number): void {
    const t = this.get(terminalId);
    t.opener.resize(t.stream, cols, rows);
  }

  close(terminalId: string): void {
    this.terminals.get(terminalId)?.stream.destroy();
  }

  /** Closes every terminal (the app stops, or the wallet or hub changed). */
  closeAll(): void {
    for (const t of [...this.terminals.values()]) t.stream.destroy();
  }

  private get(terminalId: string): OpenTerminal {
    const t = this.terminals.get(terminalId);
    if (!t) throw new ApiError('not_found', `No open terminal ${terminalId}; it may have closed.`, 'terminal_not_found');
    return t;
  }
}
