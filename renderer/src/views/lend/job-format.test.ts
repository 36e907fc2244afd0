import { describe, expect, it } from 'vitest';
import { formatDuration, jobStateLabel, jobStateTone, pullFraction, pullLabel } from './job-format';

const progress = { jobId: 'j', image: 'x', layersTotal: 3, layersDone: 1, bytesDone: 12_500_000, bytesTotal: 50_000_000 };

describe('job format', () => {
  it('says where a pull is, as a fraction and in words', () => {
    expect(pullFraction({ ...progress, phase: 'downloading' })).toBe(0.25);
    expect(pullLabel({ ...progress, phase: 'downloading' })).toBe('12.5 MB of 50.0 MB · 1/3 layers');
    expect(pullFraction({ ...progress, phase: 'resolving', bytesTotal: 0, bytesDone: 0 })).toBeNull();
    expect(pullFraction({ ...progress, phase: 'done' })).toBe(1);
  });

  it('names states in plain words with a tone', () => {
    expect(jobStateLabel('pulling')).toBe('Downloading image');
    expect(jobStateTone('failed')).toBe('error');
    expect(jobStateTone('succeeded')).toBe('ok');
  });

  it('formats durations', () => {
    expect(formatDuration(4_200)).toBe('4 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
  });
});
