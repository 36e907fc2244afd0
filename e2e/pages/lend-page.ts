import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** Lend: sharing, offer terms, leases on this machine, the thermal guard (plus the Docker parts). */
export class LendPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('lend');
    return this;
  }

  view(): Locator {
    return this.page.getByTestId('view-lend');
  }

  sharingToggle(): Locator {
    return this.page.getByTestId('lend-sharing-toggle');
  }

  /** The state pill's value; its data-state is off | connecting | sharing | running | paused-hot | error. */
  state(): Locator {
    return this.page.getByTestId('lend-state-value');
  }

  async waitForState(state: string, timeout = 30_000): Promise<void> {
    await this.page.locator(`[data-testid="lend-state-value"][data-state="${state}"]`).waitFor({ timeout });
  }

  stateMessage(): Locator {
    return this.page.getByTestId('lend-state-message');
  }

  hub(): Locator {
    return this.page.getByTestId('lend-hub');
  }

  todayEarned(): Locator {
    return this.page.getByTestId('lend-today-earned');
  }

  /** Starts sharing and waits until the hub has the offers. */
  async startSharing(timeout = 30_000): Promise<void> {
    await this.page.locator('[data-testid="lend-sharing-toggle"][data-sharing="off"]').click();
    await this.page.locator('[data-testid="lend-state-value"]:is([data-state="sharing"], [data-state="running"])').waitFor({ timeout });
  }

  /** Stops sharing; `stopRunning` answers the "stop running leases too?" question when asked. */
  async stopSharing(stopRunning = false): Promise<void> {
    this.page.once('dialog', (dialog) => void (stopRunning ? dialog.accept() : dialog.dismiss()));
    await this.page.locator('[data-testid="lend-sharing-toggle"][data-sharing="on"]').click();
    await this.waitForState('off');
  }

  terms(): Locator {
    return this.page.getByTestId('lend-terms');
  }

  /** Fills the offer terms given (others stay) and saves; waits for "Saved". */
  async setTerms(terms: { price?: string; minLeaseHours?: string; maxLeaseHours?: string; maxTemperatureC?: string; electricityPrice?: string; interruptible?: boolean }): Promise<void> {
    if (terms.price !== undefined) await this.page.getByTestId('lend-terms-price').fill(terms.price);
    if (terms.minLeaseHours !== undefined) await this.page.getByTestId('lend-terms-min-lease').fill(terms.minLeaseHours);
    if (terms.maxLeaseHours !== undefined) await this.page.getByTestId('lend-terms-max-lease').fill(terms.maxLeaseHours);
    if (terms.maxTemperatureC !== undefined) await this.page.getByTestId('lend-terms-max-temp').fill(terms.maxTemperatureC);
    if (terms.electricityPrice !== undefined) await this.page.getByTestId('lend-terms-electricity').fill(terms.electricityPrice);
    if (terms.interruptible !== undefined) await this.page.getByTestId(`lend-terms-kind-${terms.interruptible ? 'interruptible' : 'on-demand'}`).click();
    await this.page.getByTestId('lend-terms-save').click();
    await this.page.getByTestId('lend-terms-saved').waitFor();
  }

  termsError(): Locator {
    return this.page.getByTestId('lend-terms-error');
  }

  median(): Locator {
    return this.page.getByTestId('lend-terms-median');
  }

  /** GPU checkboxes of the terms, each with data-gpu-uuid. */
  gpuChoices(): Locator {
    return this.page.getByTestId('lend-terms-gpu');
  }

  leases(): Locator {
    return this.page.getByTestId('supplier-lease');
  }

  lease(leaseId: string): Locator {
    return this.page.locator(`[data-testid="supplier-lease"][data-lease-id="${leaseId}"]`);
  }

  async waitForLeaseState(leaseId: string, state: string, timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="supplier-lease"][data-lease-id="${leaseId}"][data-state="${state}"]`).waitFor({ timeout });
  }

  /** data-paused="true" while the guard holds jobs paused. */
  thermalGuard(): Locator {
    return this.page.getByTestId('thermal-guard');
  }

  async waitForThermalPause(paused: boolean, timeout = 60_000): Promise<void> {
    await this.page.locator(`[data-testid="thermal-guard"][data-paused="${paused}"]`).waitFor({ timeout });
  }

  hottest(): Locator {
    return this.page.getByTestId('thermal-guard-hottest');
  }

  /** Toasts from lend:notice; each has data-kind (job-started, payment, overheat, …). */
  notices(kind?: string): Locator {
    return kind ? this.page.locator(`[data-testid="lend-notice"][data-kind="${kind}"]`) : this.page.getByTestId('lend-notice');
  }

  errorNotice(): Locator {
    return this.view().getByTestId('error-notice');
  }
}
