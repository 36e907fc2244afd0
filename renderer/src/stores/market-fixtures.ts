import type { EarningRow, EarningsSummary, EarningsTotals } from '../../../common/market/earnings-types';
import type { ExplorerOverview, MarketHubStatus } from '../../../common/market/market-hub-types';
import type { SupplierStatus } from '../../../common/market/lend-types';

/** Sample market data for store tests and the views' own tests: shapes, not behaviour. */
export function supplierStatus(over: Partial<SupplierStatus> = {}): SupplierStatus {
  return {
    state: 'off',
    message: 'Not sharing.',
    sharingEnabled: false,
    hubUrl: null,
    workerId: null,
    sharedGpuUuids: [],
    offers: [],
    leases: [],
    guard: { maxTemperatureC: 83, hottestC: null, pausedSinceMs: null, hotSinceMs: null },
    scheduleOpen: true,
    todayEarned: '0',
    ...over,
  };
}

export function totals(gross: string, energyCost = '0', payments = 1): EarningsTotals {
  return { gross, energyCost, net: (BigInt(gross) - BigInt(energyCost)).toString(), gpuSeconds: 3600, payments };
}

export function earningsSummary(): EarningsSummary {
  return {
    today: totals('450000', '20000'),
    week: totals('900000', '40000', 2),
    month: totals('900000', '40000', 2),
    allTime: totals('900000', '40000', 2),
    days: [
      { dayStartMs: 0, ...totals('450000', '20000') },
      { dayStartMs: 86_400_000, ...totals('450000', '20000') },
    ],
    token: 'USDC',
    decimals: 6,
    network: 'sandbox',
    otherNetworks: [],
  };
}

export function earningRow(signature: string, over: Partial<EarningRow> = {}): EarningRow {
  return {
    signature,
    leaseId: 'lease-1',
    increment: 0,
    renter: 'Renter1111111111111111111111111111111111111',
    amount: '450000',
    gpuSeconds: 3600,
    energyWh: 300,
    energyCost: '45000',
    net: '405000',
    paidAtMs: 1_700_000_000_000,
    network: 'sandbox',
    reconcile: 'unchecked',
    reconcileMessage: null,
    reconciledAtMs: null,
    ...over,
  };
}

export function hubStatus(over: Partial<MarketHubStatus> = {}): MarketHubStatus {
  return { mode: 'embedded', hubUrl: 'http://127.0.0.1:7070', status: 'ready', error: null, info: null, signedInAs: null, ...over };
}

export function explorerOverview(gpusOnline = 9): ExplorerOverview {
  return {
    stats: {
      atMs: 1,
      workersOnline: 2,
      gpusOnline,
      gpusLeased: 3,
      utilisation: 3 / gpusOnline,
      byModel: [{ gpuModel: 'Tesla V100-SXM2-16GB', online: 8, leased: 2 }],
      leasesRunning: 1,
      leasesActive: 1,
      volumePaid24h: '1350000',
      volumePaidAllTime: '1350000',
    },
    history: [],
    recentPayments: [],
    token: 'USDC',
    decimals: 6,
  };
}
