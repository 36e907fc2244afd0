import type { ExplorerPayment, ExplorerStats, HubInfo } from '../hub/http-api';

/** Which hub the app talks to: its embedded one (Sandbox) or a private grid's. */
export interface MarketHubStatus {
  mode: 'embedded' | 'grid' | 'none';
  hubUrl: string | null;
  status: 'starting' | 'ready' | 'error';
  /** What went wrong and what to do. */
  error: string | null;
  info: HubInfo | null;
  /** The wallet address signed in to the hub, if any. */
  signedInAs: string | null;
}

export interface ExplorerSample {
  atMs: number;
  gpusOnline: number;
  gpusLeased: number;
  utilisation: number;
  leasesRunning: number;
  /** All-time volume, base units. */
  volumePaidAllTime: string;
}

export interface ExplorerOverview {
  stats: ExplorerStats;
  /** The hub's own series (fine recent points, hourly older ones), oldest first (for charts). */
  history: ExplorerSample[];
  recentPayments: ExplorerPayment[];
  /** The hub's payment token and its decimals: the amounts above are its base units. */
  token: string;
  decimals: number;
}
