import { describe, expect, it } from 'vitest';
import { DockerLogDemuxer } from './docker-log-demuxer';

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collect() {
  const out: Array<[string, string]> = [];
  const demuxer = new DockerLogDemuxer((stream, payload) => out.push([stream, payload.toString()]));
  const joined = () => {
    const merged: Array<[string, string]> = [];
    for (const [stream, text] of out) {
      const last = merged[merged.length - 1];
      if (last && last[0] === stream) last[1] += text;
      else merged.push([stream, text]);
    }
    return merged;
  };
  return { demuxer, joined };
}

describe('DockerLogDemuxer', () => {
  it('splits frames of both streams arriving in one chunk', () => {
    const { demuxer, joined } = collect();
    demuxer.push(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err 1\n'), frame(1, 'out 2\n')]));
    expect(joined()).toEqual([
      ['stdout', 'out 1\n'],
      ['stderr', 'err 1\n'],
      ['stdout', 'out 2\n'],
    ]);
  });

  it('joins frames cut anywhere, even inside the 8-byte header, byte by byte', () => {
    const whole = Buffer.concat([frame(2, 'héllo wörld\n'), frame(1, 'x'.repeat(70_000)), frame(2, 'end\n')]);
    const { demuxer, joined } = collect();
    for (let i = 0; i < whole.length; i += 3) demuxer.push(whole.subarray(i, i + 3));
    expect(joined()).toEqual([
      ['stderr', 'héllo wörld\n'],
      ['stdout', 'x'.repeat(70_000)],
      ['stderr', 'end\n'],
    ]);
  });

  it('passes a stream that is not multiplexed (a TTY container) through as stdout', () => {
    const { demuxer, joined } = collect();
    demuxer.push(Buffer.from('plain text, no headers\n'));
    demuxer.push(Buffer.from('more\n'));
    expect(joined()).toEqual([['stdout', 'plain text, no headers\nmore\n']]);
  });

  it('accepts empty frames', () => {
    const { demuxer, joined } = collect();
    demuxer.push(Buffer.concat([frame(1, ''), frame(2, 'a')]));
    expect(joined()).toEqual([['stderr', 'a']]);
  });
});
