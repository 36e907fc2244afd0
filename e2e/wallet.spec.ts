import { expect, test } from '@playwright/test';
import { startHeadlessApp } from './support/headless-app';
import type { HeadlessApp } from './support/headless-app';
import { WalletPage } from './pages/wallet-page';

// The wallet on the sandbox network, end to end in a browser against `npm run serve`:
// the embedded chain, the vault with a passphrase (headless), the faucet, and a transfer
// between two wallets of this machine confirmed in the signing dialog.
let app: HeadlessApp;
test.beforeAll(async () => {
  app = await startHeadlessApp({ nvidiaCapture: null });
});
test.afterAll(async () => {
  await app?.stop();
});

test('creates a wallet, uses the faucet, sees balances update, and sends USDC to another sandbox wallet', async ({ page }) => {
  await app.open(page, '#/wallet');
  const wallet = await new WalletPage(page).open();
  await expect(page.getByTestId('network-badge').first()).toHaveText('Sandbox');

  await wallet.connectNewLocalWallet('correct horse battery staple', 'Renter');
  const renter = (await wallet.address().textContent())!.trim();
  await expect(wallet.qr()).toBeVisible();
  await expect(wallet.usdc()).toHaveText('0.00 USDC');

  await wallet.useFaucet();
  await expect(wallet.usdc()).toHaveText('1,000.00 USDC');
  // A fixed number of decimals per token (SOL: 4), the same on every screen.
  await expect(wallet.sol()).toHaveText('2.0000 SOL');

  await wallet.createAnotherWallet('Supplier');
  await expect(wallet.address()).not.toHaveText(renter);
  const supplier = (await wallet.address().textContent())!.trim();
  await wallet.switchTo('Renter');
  await expect(wallet.address()).toHaveText(renter);

  await wallet.startSend(supplier, 'USDC', '250');
  const confirm = wallet.confirmDialog();
  await expect(confirm).toBeVisible();
  await expect(confirm.getByTestId('confirm-purpose')).toHaveText(`Send 250 USDC to ${supplier}`);
  await expect(confirm.getByTestId('confirm-transfers')).toContainText('250 USDC');
  await expect(confirm.getByTestId('confirm-transfers')).toContainText(supplier);
  await expect(confirm.getByTestId('network-badge')).toHaveText('Sandbox');
  // Headless approvals need the passphrase again (issue 14.2).
  await confirm.getByTestId('confirm-passphrase').fill('correct horse battery staple');
  await confirm.getByTestId('confirm-approve').click();

  await expect(page.getByTestId('send-done')).toBeVisible();
  await expect(wallet.usdc()).toHaveText('750.00 USDC');
  await expect(wallet.transactions().first()).toContainText(`Send 250 USDC to ${supplier}`);

  await wallet.switchTo('Supplier');
  await expect(wallet.usdc()).toHaveText('250.00 USDC');
});
