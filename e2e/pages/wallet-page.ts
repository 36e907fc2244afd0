import type { Locator, Page } from '@playwright/test';
import { AppShell } from './app-shell';

/** The Wallet view and the dialogs it opens (setup, signing confirmation, new wallet). */
export class WalletPage {
  readonly shell: AppShell;
  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
  }

  async open(): Promise<this> {
    await this.shell.goTo('wallet');
    return this;
  }

  view(): Locator {
    return this.page.getByTestId('view-wallet');
  }

  /** Connect the Idlegrid wallet: the first time in headless mode, set the passphrase and create a wallet. */
  async connectNewLocalWallet(passphrase: string, label: string): Promise<void> {
    await this.page.getByTestId('connect-idlegrid').click();
    const setup = this.page.getByTestId('wallet-setup-dialog');
    await setup.getByTestId('wallet-passphrase').fill(passphrase);
    await setup.getByTestId('wallet-passphrase-repeat').fill(passphrase);
    await setup.getByTestId('wallet-unlock-submit').click();
    await setup.getByTestId('wallet-label').fill(label);
    await setup.getByTestId('wallet-setup-submit').click();
    await setup.waitFor({ state: 'detached' });
    await this.address().waitFor();
  }

  /** Unlocks the Idlegrid wallet with its passphrase (headless, after a restart). */
  async unlock(passphrase: string): Promise<void> {
    await this.page.getByTestId('connect-idlegrid').click();
    const setup = this.page.getByTestId('wallet-setup-dialog');
    await setup.getByTestId('wallet-passphrase').fill(passphrase);
    await setup.getByTestId('wallet-unlock-submit').click();
    await this.address().waitFor();
  }

  address(): Locator {
    return this.page.getByTestId('wallet-address');
  }

  qr(): Locator {
    return this.page.getByTestId('wallet-qr');
  }

  usdc(): Locator {
    return this.page.getByTestId('balance-usdc');
  }

  sol(): Locator {
    return this.page.getByTestId('balance-sol');
  }

  async useFaucet(): Promise<void> {
    await this.page.getByTestId('faucet-button').click();
    await this.page.getByTestId('faucet-done').waitFor();
  }

  /** Creates another wallet on this machine; it becomes the active one. */
  async createAnotherWallet(label: string): Promise<void> {
    await this.page.getByTestId('wallet-add-create').click();
    const dialog = this.page.getByTestId('wallet-add-dialog');
    await dialog.getByTestId('wallet-label').fill(label);
    await dialog.getByTestId('wallet-setup-submit').click();
    await dialog.waitFor({ state: 'detached' });
  }

  walletRow(label: string): Locator {
    return this.page.getByTestId('wallet-row').filter({ hasText: label });
  }

  async switchTo(label: string): Promise<void> {
    await this.walletRow(label).getByTestId('wallet-use').click();
    await this.walletRow(label).getByText('Active').waitFor();
  }

  /** Fills the send form and submits it; main then asks for confirmation. */
  async startSend(to: string, token: 'USDC' | 'SOL', amount: string): Promise<void> {
    await this.page.getByTestId('send-to').fill(to);
    await this.page.getByTestId(`send-token-${token}`).click();
    await this.page.getByTestId('send-amount').fill(amount);
    await this.page.getByTestId('send-submit').click();
  }

  confirmDialog(): Locator {
    return this.page.getByTestId('confirm-dialog');
  }

  transactions(): Locator {
    return this.page.getByTestId('wallet-transaction');
  }
}
