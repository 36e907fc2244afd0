import { describe, expect, it } from 'vitest';
import { JobLogBuffer } from './job-log-buffer';

const clock = () => 1_000;

describe('JobLogBuffer', () => {
  it('makes lines per stream from chunks cut mid-line and mid-character', () => {
    const buffer = new JobLogBuffer(clock);
    const bytes = Buffer.from('grüße\nzwei');
    const out = [
      ...buffer.append('stdout', bytes.subarray(0, 3)), // cuts "ü" in half
      ...buffer.append('stderr', Buffer.from('err line\r\n')),
      ...buffer.append('stdout', bytes.subarray(3)),
      ...buffer.end(),
    ];
    expect(out.map((l) => [l.seq, l.stream, l.text])).toEqual([
      [1, 'stderr', 'err line'],
      [2, 'stdout', 'grüße'],
      [3, 'stdout', 'zwei'],
    ]);
  });

  it('keeps at most maxLines, dropping the oldest, and counts what it dropped', () => {
    const buffer = new JobLogBuffer(clock, { maxLines: 100, maxChars: 1_000_000, maxLineChars: 100 });
    const text = Array.from({ length: 1_000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    buffer.append('stdout', Buffer.from(text));
    const lines = buffer.lines();
    expect(lines).toHaveLength(100);
    expect(lines[0]!.text).toBe('line 901');
    expect(lines[99]!.text).toBe('line 1000');
    expect(buffer.droppedLines).toBe(900);
    expect(buffer.lines(995).map((l) => l.text)).toEqual(['line 996', 'line 997', 'line 998', 'line 999', 'line 1000']);
  });

  it('bounds memory by characters too, and cuts a line that never ends', () => {
    const buffer = new JobLogBuffer(clock, { maxLines: 1_000, maxChars: 50, maxLineChars: 10 });
    buffer.append('stdout', Buffer.from('a'.repeat(95)));
    const lines = buffer.lines();
    expect(lines.every((l) => l.text.length === 10)).toBe(true);
    expect(lines.reduce((n, l) => n + l.text.length, 0)).toBeLessThanOrEqual(50);
    expect(buffer.end().map((l) => l.text)).toEqual(['aaaaa']);
  });

  it('puts the worker\'s own notes between the job\'s lines', () => {
    const buffer = new JobLogBuffer(clock);
    buffer.append('stdout', Buffer.from('one\n'));
    buffer.note('Docker is back');
    buffer.append('stdout', Buffer.from('two\n'));
    expect(buffer.lines().map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:one', 'worker:Docker is back', 'stdout:two']);
    expect(buffer.newest()?.text).toBe('two');
  });
});
