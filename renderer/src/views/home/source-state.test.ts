import { describe, expect, it } from 'vitest';
import type { GpuSourceStatus } from '../../../../common/hardware/detection';
import { showFix, sourceTone } from './source-state';

const missingRocm: GpuSourceStatus = {
  source: 'rocm-smi',
  state: 'missing',
  message: 'rocm-smi not found',
  fix: 'Install ROCm if this machine has an AMD GPU.',
};

describe('source state', () => {
  it('does not alarm about a missing tool when another found GPUs', () => {
    expect(sourceTone('missing', true)).toBe('neutral');
    expect(showFix(missingRocm, true)).toBe(false);
  });

  it('warns about a missing tool when no GPU was found at all', () => {
    expect(sourceTone('missing', false)).toBe('warn');
    expect(showFix(missingRocm, false)).toBe(true);
  });

  it('always flags a tool that failed or hung', () => {
    expect(sourceTone('timeout', true)).toBe('error');
    expect(sourceTone('failed', false)).toBe('error');
    expect(showFix({ ...missingRocm, state: 'timeout' }, true)).toBe(true);
  });

  it('never shows a fix for a working source or one without a fix', () => {
    expect(showFix({ ...missingRocm, state: 'ok' }, true)).toBe(false);
    expect(showFix({ ...missingRocm, fix: null }, false)).toBe(false);
  });
});
