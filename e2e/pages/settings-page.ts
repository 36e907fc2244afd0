import type { Download, Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** Settings: network (including a private grid's hub), start on login, the market hub. */
export class SettingsPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('settings');
    return this;
  }

  view(): Locator {
    return this.page.getByTestId('view-settings');
  }

  /** Switches to the private grid whose hub is at `hubUrl`, and waits until the hub answers. */
  async joinGrid(hubUrl: string, timeout = 60_000): Promise<void> {
    await this.page.getByTestId('setting-network-grid').click();
    await this.hubUrlField().fill(hubUrl);
    await this.page.getByTestId('network-apply').click();
    await this.page.locator('[data-testid="market-hub"][data-mode="grid"][data-status="ready"]').waitFor({ timeout });
  }

  /** About → Export diagnostics: the saved file. */
  async exportDiagnostics(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('settings-export-diagnostics').click();
    return download;
  }

  diagnosticsResult(): Locator {
    return this.page.getByTestId('settings-diagnostics-result');
  }

  hubUrlField(): Locator {
    return this.page.getByTestId('settings-hub-url');
  }

  gridError(): Locator {
    return this.page.getByTestId('settings-grid-error');
  }

  networkStatus(): Locator {
    return this.page.getByTestId('network-status');
  }

  startOnLogin(): Locator {
    return this.page.getByTestId('settings-start-on-login');
  }

  /** data-status and data-mode, as on Explorer. */
  hub(): Locator {
    return this.view().getByTestId('market-hub');
  }

  hubError(): Locator {
    return this.view().getByTestId('market-hub-error');
  }

  async reconnectHub(): Promise<void> {
    await this.view().getByTestId('market-reconnect').click();
  }
}
