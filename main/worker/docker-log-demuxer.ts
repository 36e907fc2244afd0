import type { LogStream } from '../../common/worker/job';

type OutputStream = Exclude<LogStream, 'worker'>;

/**
 * Splits Docker's multiplexed log stream (containers without a TTY) into stdout and
 * stderr. Each frame is an 8-byte header — stream type (1 stdout, 2 stderr), three
 * zero bytes, a big-endian uint32 length — then the payload. A frame may arrive cut
 * across chunks, and a chunk may hold many frames; payloads are handed on as slices of
 * the chunk where possible, so a busy job costs no copying beyond the odd split frame.
 *
 * If the header is not a valid frame (a TTY container, a stream gone astray), the rest
 * is passed through as stdout rather than dropped.
 */
export class DockerLogDemuxer {
  private pending: Buffer | null = null;
  private frameStream: OutputStream | null = null;
  private frameRemaining = 0;
  private raw = false;

  constructor(private readonly onPayload: (stream: OutputStream, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) {
      this.onPayload('stdout', chunk);
      return;
    }
    let data = chunk;
    let offset = 0;
    while (offset < data.length) {
      if (this.frameRemaining > 0 && this.frameStream) {
        const take = Math.min(this.frameRemaining, data.length - offset);
        this.onPayload(this.frameStream, data.subarray(offset, offset + take));
        this.frameRemaining -= take;
        offset += take;
        continue;
      }
      // Need a whole header; keep a split one until the next chunk.
      if (this.pending) {
        data = Buffer.concat([this.pending, data.subarray(offset)]);
        offset = 0;
        this.pending = null;
      }
      if (data.length - offset < 8) {
        this.pending = Buffer.from(data.subarray(offset));
        return;
      }
      const type = data[offset]!;
      if ((type !== 1 && type !== 2) || data[offset + 1] !== 0 || data[offset + 2] !== 0 || data[offset + 3] !== 0) {
        this.raw = true;
        this.onPayload('stdout', data.subarray(offset));
        return;
      }
      this.frameStream = type === 1 ? 'stdout' : 'stderr';
      this.frameRemaining = data.readUInt32BE(offset + 4);
      offset += 8;
    }
  }
}
