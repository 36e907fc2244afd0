import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import type { TelemetrySeries } from '../../../common/hardware/history';
import { createTelemetryStore } from './telemetry-store';
import { ScriptedApiClient, settle } from './scripted-api-client';
import { sample } from './sample-factory';

const running = { state: 'running' as const, message: 'Sampling 2 GPUs', spawns: 1, lastSampleAtMs: 1 };

function series(gpuUuid: string): TelemetrySeries {
  return {
    gpuUuid,
    resolutionMs: 1000,
    tMs: [1000],
    values: { temperatureC: [50], powerW: [100], utilizationPct: [1], vramUsedMiB: [1], fanPct: [1], smClockMHz: [1] },
  };
}

describe('telemetry store', () => {
  it('fills the window from telemetry:recent and keeps events that arrived first', async () => {
    let resolveRecent: (v: ReturnType<typeof sample>[]) => void = () => {};
    const client = new ScriptedApiClient()
      .answer('telemetry:recent', () => new Promise((r) => (resolveRecent = r)))
      .answer('telemetry:status', () => running);
    const store = createTelemetryStore(client);
    store.getState().start();
    expect(store.getState().liveLoading).toBe(true);

    client.emit('telemetry:samples', [sample('A', 5000), sample('B', 5000)]);
    resolveRecent([sample('A', 3000), sample('A', 4000), sample('A', 5000)]);
    await settle();

    const s = store.getState();
    expect(s.liveLoading).toBe(false);
    expect(s.live.A?.map((x) => x.tMs)).toEqual([3000, 4000, 5000]);
    expect(s.live.B?.map((x) => x.tMs)).toEqual([5000]);
    expect(s.status?.state).toBe('running');
    expect(client.callsOf('telemetry:recent')).toEqual([{ seconds: 600 }]);
  });

  it('keeps the latest sample per GPU fresh from events', async () => {
    const client = new ScriptedApiClient().answer('telemetry:recent', () => []).answer('telemetry:status', () => running);
    const store = createTelemetryStore(client);
    store.getState().start();
    await settle();
    client.emit('telemetry:samples', [sample('A', 1000, { temperatureC: 60 })]);
    client.emit('telemetry:samples', [sample('A', 2000, { temperatureC: 61 })]);
    expect(store.getState().latest.A?.temperatureC).toBe(61);
  });

  it('follows telemetry:status events', async () => {
    const client = new ScriptedApiClient().answer('telemetry:recent', () => []).answer('telemetry:status', () => running);
    const store = createTelemetryStore(client);
    store.getState().start();
    await settle();
    client.emit('telemetry:status', { state: 'restarting', message: 'nvidia-smi exited; restarting in 2 s', spawns: 2, lastSampleAtMs: 1 });
    expect(store.getState().status?.state).toBe('restarting');
  });

  it('shows the message of a failed recent call', async () => {
    const client = new ScriptedApiClient()
      .answer('telemetry:recent', () => {
        throw new ApiError('unavailable', 'Telemetry is off: turn it on in Settings.');
      })
      .answer('telemetry:status', () => running);
    const store = createTelemetryStore(client);
    store.getState().start();
    await settle();
    expect(store.getState().liveError).toBe('Telemetry is off: turn it on in Settings.');
    expect(store.getState().liveLoading).toBe(false);
  });

  it('subscribes once however often start is called, and stops cleanly', () => {
    const client = new ScriptedApiClient().answer('telemetry:recent', () => []).answer('telemetry:status', () => running);
    const store = createTelemetryStore(client);
    const stop = store.getState().start();
    store.getState().start();
    expect(client.listenerCount('telemetry:samples')).toBe(1);
    stop();
    expect(client.listenerCount('telemetry:samples')).toBe(0);
    expect(client.listenerCount('telemetry:status')).toBe(0);
  });

  it('loads history per range and ignores an older answer that lands late', async () => {
    const answers: Array<(v: TelemetrySeries[]) => void> = [];
    const client = new ScriptedApiClient().answer('telemetry:history', () => new Promise((r) => answers.push(r)));
    const store = createTelemetryStore(client, { now: () => 42 });

    void store.getState().loadHistory('24h');
    void store.getState().loadHistory('24h');
    expect(store.getState().history['24h'].loading).toBe(true);
    answers[1]!([series('new')]);
    await settle();
    answers[0]!([series('old')]);
    await settle();

    const h = store.getState().history['24h'];
    expect(h.loading).toBe(false);
    expect(h.series?.map((s) => s.gpuUuid)).toEqual(['new']);
    expect(h.fetchedAtMs).toBe(42);
    expect(store.getState().history['1h'].series).toBeNull();
    expect(client.callsOf('telemetry:history')).toEqual([{ range: '24h' }, { range: '24h' }]);
  });

  it('keeps a history error per range', async () => {
    const client = new ScriptedApiClient().answer('telemetry:history', () => {
      throw new ApiError('internal', 'telemetry.db could not be read: check the disk.');
    });
    const store = createTelemetryStore(client);
    await store.getState().loadHistory('7d');
    expect(store.getState().history['7d'].error).toBe('telemetry.db could not be read: check the disk.');
    expect(store.getState().history['7d'].loading).toBe(false);
  });
});
