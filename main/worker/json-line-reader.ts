import { StringDecoder } from 'node:string_decoder';

/**
 * Docker streams pull progress and events as JSON values, one per line, cut at
 * arbitrary chunk boundaries. This joins the pieces and hands on each value; a line
 * that is not JSON is skipped rather than stopping the stream.
 */
export class JsonLineReader {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly onValue: (value: unknown) => void) {}

  push(chunk: Buffer): void {
    const text = this.rest + this.decoder.write(chunk);
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) break;
      this.emit(text.slice(start, newline));
      start = newline + 1;
    }
    this.rest = text.slice(start);
  }

  end(): void {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    this.emit(last);
  }

  private emit(line: string): void {
    const trimmed = line.trim();
    if (!trimmed) return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return;
    }
    this.onValue(value);
  }
}
