import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** Explorer: the hub's numbers, charts, GPUs by model and recent payments. */
export class ExplorerPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('explorer');
    return this;
  }

  view(): Locator {
    return this.page.getByTestId('view-explorer');
  }

  gpusOnline(): Locator {
    return this.page.getByTestId('explorer-gpus-online');
  }

  gpusLeased(): Locator {
    return this.page.getByTestId('explorer-gpus-leased');
  }

  leasesRunning(): Locator {
    return this.page.getByTestId('explorer-leases-running');
  }

  volume24h(): Locator {
    return this.page.getByTestId('explorer-volume-24h');
  }

  volumeAllTime(): Locator {
    return this.page.getByTestId('explorer-volume-all-time');
  }

  /** One row per model: data-model, data-online, data-leased. */
  model(gpuModel: string): Locator {
    return this.page.locator(`[data-testid="explorer-model"][data-model="${gpuModel}"]`);
  }

  payments(): Locator {
    return this.page.getByTestId('explorer-payment');
  }

  payment(signature: string): Locator {
    return this.page.locator(`[data-testid="explorer-payment"][data-signature="${signature}"]`);
  }

  gpusChart(): Locator {
    return this.page.getByTestId('explorer-chart-gpus');
  }

  utilisationChart(): Locator {
    return this.page.getByTestId('explorer-chart-utilisation');
  }

  /** The hub line: data-status (starting | ready | error) and data-mode (embedded | grid | none). */
  hub(): Locator {
    return this.view().getByTestId('market-hub');
  }
}
