import { describe, expect, it } from 'vitest';
import { ScriptedApiClient } from './scripted-api-client';

// The store tests' client holds both sides to the contract, so it cannot drift from the backend.
describe('ScriptedApiClient', () => {
  it("refuses params the contract's schema refuses, and hands the handler the parsed params (defaults filled)", async () => {
    const api = new ScriptedApiClient().answer('worker:jobs', (params) => {
      expect(params).toEqual({ limit: 50 });
      return [];
    });
    await expect(api.call('worker:jobs', {})).resolves.toEqual([]);
    await expect(api.call('worker:jobs', { limit: 0 })).rejects.toThrow(/params the contract refuses/);
    await expect(api.call('worker:jobs', { limit: 5, extra: true } as never)).rejects.toThrow(/params the contract refuses/);
    await expect(api.call('worker:job-history', { jobId: 42 } as never)).rejects.toThrow(/params the contract refuses/);
  });

  it('refuses a scripted result or event that would not survive the transports (bigint, Date, undefined)', async () => {
    const api = new ScriptedApiClient().answer('worker:last-doctor', () => ({ checkedAtMs: 1n, checks: [], ready: true }) as never);
    await expect(api.call('worker:last-doctor', {})).rejects.toThrow(/bigint at \$\.checkedAtMs/);
    api.answer('worker:last-doctor', () => ({ checkedAtMs: new Date(), checks: [], ready: true }) as never);
    await expect(api.call('worker:last-doctor', {})).rejects.toThrow(/Date at \$\.checkedAtMs/);
    expect(() => api.emit('worker:engine', { state: 'connected', message: 'ok', endpoint: 'x', version: null, retryAtMs: 1n } as never)).toThrow(/bigint/);
    expect(() => api.emit('no:such-event' as never, {} as never)).toThrow(/not an event of the contract/);
  });
});
