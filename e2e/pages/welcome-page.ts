import type { Locator, Page } from '@playwright/test';

/** The first-run welcome on the sandbox: consent → wallet → faucet → what next. */
export class WelcomePage {
  constructor(readonly page: Page) {}

  dialog(): Locator {
    return this.page.getByTestId('welcome-dialog');
  }

  /** data-value: intro | wallet | funding | done. */
  step(): Locator {
    return this.page.getByTestId('welcome-step');
  }

  async skip(): Promise<void> {
    await this.page.getByTestId('welcome-skip').click();
    await this.dialog().waitFor({ state: 'detached' });
  }

  /**
   * Consents, sets the passphrase the first time (headless) and creates a wallet, waits
   * for the faucet, then picks what to do next.
   */
  async setUp(passphrase: string, next: 'lend' | 'rent' | 'look-around' = 'look-around', label = 'Sandbox wallet'): Promise<void> {
    await this.page.getByTestId('welcome-start').click();
    const dialog = this.dialog();
    const passphraseField = dialog.getByTestId('wallet-passphrase');
    const done = dialog.locator('[data-testid="welcome-step"][data-value="done"]');
    const form = dialog.getByTestId('wallet-setup-form');
    await Promise.race([passphraseField.waitFor(), form.waitFor(), done.waitFor()]);
    if (await passphraseField.isVisible()) {
      await passphraseField.fill(passphrase);
      const repeat = dialog.getByTestId('wallet-passphrase-repeat');
      if (await repeat.isVisible()) await repeat.fill(passphrase);
      await dialog.getByTestId('wallet-unlock-submit').click();
    }
    await Promise.race([form.waitFor(), done.waitFor()]);
    if (await form.isVisible()) {
      await dialog.getByTestId('wallet-label').fill(label);
      await dialog.getByTestId('wallet-setup-submit').click();
    }
    await done.waitFor({ timeout: 60_000 });
    await dialog.getByTestId(`welcome-${next}`).click();
    await dialog.waitFor({ state: 'detached' });
  }

  usdc(): Locator {
    return this.page.getByTestId('welcome-usdc');
  }
}
