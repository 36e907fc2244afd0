import { describe, expect, it } from 'vitest';
import { formatAgo } from './time-format';

describe('formatAgo', () => {
  const now = 1_000_000_000;
  it('speaks in the largest sensible unit', () => {
    expect(formatAgo(now - 1000, now)).toBe('just now');
    expect(formatAgo(now - 42_000, now)).toBe('42 s ago');
    expect(formatAgo(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe('3 d ago');
    expect(formatAgo(null, now)).toBe('—');
  });
});
