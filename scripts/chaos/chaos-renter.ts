// The renter's app (the real composition root) in a process of its own, for `npm run
// chaos`: the harness kills it with SIGKILL at random points while it auto-pays a lease.
// It prints one JSON line per thing the harness watches and takes one JSON command per
// stdin line ({"cmd":"exit"}: a clean stop).
//   tsx scripts/chaos/chaos-renter.ts DATA_DIR HUB_URL rent|resume INCREMENTS
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createAppServices } from '../../main/app/app-services';
import { PassphraseKeyProtection } from '../../main/wallet/passphrase-key-protection';
import { errorText } from '../../common/errors';

const PASSPHRASE = 'correct horse battery staple';
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
process.on('unhandledRejection', (reason) => {
  say({ event: 'crash', message: errorText(reason) });
  process.exit(70);
});

async function main(): Promise<void> {
  const [dataDir, hubUrl, mode, incrementsText] = process.argv.slice(2);
  if (!dataDir || !hubUrl || (mode !== 'rent' && mode !== 'resume')) throw new Error('usage: chaos-renter.ts DATA_DIR HUB_URL rent|resume INCREMENTS');
  const increments = Number(incrementsText ?? '4');
  const app = createAppServices({
    shell: 'headless',
    dataDir,
    version: '0.0.0-chaos',
    keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
    renter: { autoPayTickMs: 100 },
  });
  app.settings.update({ network: 'grid', hubUrl });
  // The owner approves every question (payments and the auto-pay budget).
  app.events.on('wallet:confirm-request', (request) => {
    void app.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase: PASSPHRASE });
  });
  app.events.on('rent:receipts-changed', () => say({ event: 'receipts' }));
  let stopping = false;
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (stopping) return;
    const command = JSON.parse(line) as { cmd: string };
    if (command.cmd !== 'exit') return;
    stopping = true;
    void app.stop().then(() => {
      say({ event: 'stopped' });
      process.exit(0);
    });
  });
  await app.start();
  await app.handlers['wallet:unlock']({ passphrase: PASSPHRASE });
  if (!app.wallet.vault.activeAddress()) {
    await app.handlers['wallet:create']({});
    await app.handlers['wallet:faucet']({ sol: true, usdc: true });
  }
  say({ event: 'ready', address: app.wallet.vault.activeAddress() });
  if (mode === 'rent') {
    const quote = await app.handlers['rent:quote']({ gpuCount: 1, constraints: { sameModel: true }, job: { image: 'chaos/none:1', command: ['sleep', '3600'], masterPort: 29500 }, durationMs: increments * 4_000 });
    say({ event: 'quoted', leaseId: quote.leaseId, perIncrement: quote.perIncrement.total });
    await app.handlers['rent:pay']({ leaseId: quote.leaseId, autoPayBudget: (BigInt(quote.perIncrement.total) * BigInt(increments)).toString() });
    say({ event: 'leased', leaseId: quote.leaseId });
  }
}

main().catch((error: unknown) => {
  say({ event: 'fatal', message: errorText(error) });
  process.exit(2);
});
