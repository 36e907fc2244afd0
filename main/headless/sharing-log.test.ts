import { describe, expect, it } from 'vitest';
import { SharingLog } from './sharing-log';

describe('the headless sharing log', () => {
  it('prints a line when sharing resumes or starts waiting, and nothing while nothing changes', () => {
    const log = new SharingLog();
    const t = Date.UTC(2026, 0, 1, 12, 0, 0);
    expect(log.line({ state: 'error', message: 'Unlock the wallet to sign in to the hub.', sharingEnabled: true }, t)).toBe('[2026-01-01T12:00:00.000Z] Sharing: waiting: Unlock the wallet to sign in to the hub.');
    expect(log.line({ state: 'error', message: 'Unlock the wallet to sign in to the hub.', sharingEnabled: true }, t + 1000)).toBeNull();
    expect(log.line({ state: 'connecting', message: '', sharingEnabled: true }, t + 2000)).toBe('[2026-01-01T12:00:02.000Z] Sharing: connecting to the hub');
    expect(log.line({ state: 'sharing', message: 'Offering 2 GPUs on the hub.', sharingEnabled: true }, t + 3000)).toBe('[2026-01-01T12:00:03.000Z] Sharing: Offering 2 GPUs on the hub.');
  });
});
