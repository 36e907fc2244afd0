import type { Download, Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** Earnings: totals, the per-day chart, the payments with signatures, CSV and reconcile. */
export class EarningsPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('earnings');
    return this;
  }

  view(): Locator {
    return this.page.getByTestId('view-earnings');
  }

  /** period: today | week | month | all-time; kind: net | gross | electricity. */
  total(period: 'today' | 'week' | 'month' | 'all-time', kind: 'net' | 'gross' | 'electricity' = 'net'): Locator {
    return this.page.getByTestId(`earnings-${period}-${kind}`);
  }

  todayNet(): Locator {
    return this.total('today', 'net');
  }

  chart(): Locator {
    return this.page.getByTestId('earnings-chart');
  }

  rows(): Locator {
    return this.page.getByTestId('earnings-row');
  }

  row(signature: string): Locator {
    return this.page.locator(`[data-testid="earnings-row"][data-signature="${signature}"]`);
  }

  /** The full signatures of the rows shown, newest first. */
  async signatures(): Promise<string[]> {
    return this.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-signature') ?? ''));
  }

  async waitForPayments(count: number, timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="earnings-row"]:nth-of-type(${count})`).waitFor({ timeout });
  }

  empty(): Locator {
    return this.page.getByTestId('earnings-empty');
  }

  async exportCsv(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('earnings-export-csv').click();
    return download;
  }

  /** Runs reconcile and returns the result notice (data-checked, data-ok, data-mismatched). */
  async reconcile(timeout = 60_000): Promise<Locator> {
    await this.page.getByTestId('earnings-reconcile').click();
    const result = this.page.getByTestId('earnings-reconcile-result');
    await result.waitFor({ timeout });
    return result;
  }

  errorNotice(): Locator {
    return this.view().getByTestId('error-notice');
  }
}
