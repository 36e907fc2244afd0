import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** Home: this machine's GPUs and what detection found. */
export class HomePage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('home');
    return this;
  }

  gpuCards(): Locator {
    return this.page.getByTestId('gpu-card');
  }
}
