import { describe, expect, it } from 'vitest';
import type { SupplierStatus } from '../../common/market/lend-types';
import { USDC } from '../../common/money/token-registry';
import { formatTrayAmount, trayBitmap, trayModel } from './tray-model';
import { storageProblem } from '../market/supplier/supplier-hub-link';

const status = (over: Partial<SupplierStatus> = {}): SupplierStatus => ({
  state: 'sharing',
  message: 'Sharing 8 GPUs; waiting for a renter.',
  sharingEnabled: true,
  hubUrl: 'http://127.0.0.1:7070',
  workerId: 'w1',
  sharedGpuUuids: [],
  offers: [],
  leases: [],
  guard: { maxTemperatureC: 83, hottestC: null, pausedSinceMs: null, hotSinceMs: null },
  scheduleOpen: true,
  todayEarned: '1234567',
  ...over,
});

describe('trayModel', () => {
  it('has one icon per supplier state', () => {
    const icon = (state: SupplierStatus['state']) => trayModel(status({ state }), { startOnLogin: false, token: USDC }).icon;
    expect([icon('off'), icon('connecting'), icon('sharing'), icon('running'), icon('paused-hot'), icon('error')]).toEqual(['idle', 'sharing', 'sharing', 'running', 'paused-hot', 'error']);
  });

  it("offers Stop sharing while sharing, Start sharing otherwise, and shows today's earnings", () => {
    const on = trayModel(status(), { startOnLogin: true, token: USDC });
    expect(on.menu.map((m) => ('label' in m ? m.label : '—'))).toEqual(['Open Idlegrid', '—', 'Stop sharing', 'Today: 1.23 USDC', '—', 'Start on login', '—', 'Quit']);
    expect(on.menu.find((m) => m.kind === 'toggle')).toMatchObject({ checked: true });
    expect(on.tooltip).toContain('Sharing 8 GPUs');
    const off = trayModel(status({ state: 'off', sharingEnabled: false, todayEarned: '0' }), { startOnLogin: false, token: USDC });
    expect(off.menu).toContainEqual({ kind: 'action', id: 'start-sharing', label: 'Start sharing', enabled: true });
    expect(off.menu).toContainEqual({ kind: 'info', label: 'Today: 0.00 USDC' });
  });

  it('says "disk full" and what to do within the tooltip when the data disk is full (issue 19)', () => {
    const message = storageProblem('The disk is full: Idlegrid cannot record anything until space is freed on the disk of its data folder.', '/home/ada/.config/Idlegrid');
    const full = trayModel(status({ state: 'error', message }), { startOnLogin: false, token: USDC });
    expect(full.icon).toBe('error');
    expect(full.tooltip.length).toBeLessThan(128);
    expect(full.tooltip).toMatch(/^Idlegrid — Disk full: no GPUs are offered until Idlegrid can write again\. Free some space on the disk that holds \/home\/ada/);
  });

  it('works before the first status (disabled sharing item) and keeps the tooltip under 128 characters', () => {
    const none = trayModel(null, { startOnLogin: false, token: USDC });
    expect(none.icon).toBe('idle');
    expect(none.menu).toContainEqual({ kind: 'action', id: 'start-sharing', label: 'Start sharing', enabled: false });
    expect(trayModel(status({ message: 'x'.repeat(500) }), { startOnLogin: false, token: USDC }).tooltip.length).toBeLessThan(128);
  });

  it('formats amounts as every screen does: cents, rounded to the nearest, dust not shown as zero', () => {
    // The app's one display format: the same figure as Lend's "Earned today", exact amount on hover there.
    expect(formatTrayAmount('999999', USDC)).toBe('1.00 USDC');
    expect(formatTrayAmount('18446744073709551615', USDC)).toBe('18,446,744,073,709.55 USDC');
    expect(formatTrayAmount('1', USDC)).toBe('< 0.01 USDC');
    expect(formatTrayAmount('5', { symbol: 'EURT', decimals: 2 })).toBe('0.05 EURT');
  });

  it('draws a state dot on the icon bitmap', () => {
    const px = trayBitmap('error', 16);
    expect(px.length).toBe(16 * 16 * 4);
    const centre = (12 * 16 + 12) * 4;
    expect([...px.slice(centre, centre + 4)]).toEqual([220, 50, 50, 255]);
    expect(px[3]).toBe(0); // the top-left corner stays transparent
  });
});
