import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** Thermals: live charts fed by telemetry:samples events. */
export class ThermalsPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('thermals');
    return this;
  }

  charts(): Locator {
    return this.page.getByTestId('thermals-chart');
  }

  /** Points currently plotted by the first live chart (the view sets data-samples). */
  async plottedSamples(): Promise<number> {
    return Number(await this.charts().first().getAttribute('data-samples'));
  }
}
