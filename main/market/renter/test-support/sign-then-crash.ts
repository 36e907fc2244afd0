// A renter that dies between signing a payment and sending it (issue 19, item 8): the
// real app on DATA_DIR pays LEASE_ID; once the transfer is signed and recorded (before it
// is sent) the process kills itself with SIGKILL.
//   tsx sign-then-crash.ts DATA_DIR LEASE_ID PASSPHRASE
import { join } from 'node:path';
import { createAppServices } from '../../../app/app-services';
import { PassphraseKeyProtection } from '../../../wallet/passphrase-key-protection';

const [dataDirArg, leaseIdArg, passphraseArg] = process.argv.slice(2);
if (!dataDirArg || !leaseIdArg || !passphraseArg) throw new Error('usage: sign-then-crash.ts DATA_DIR LEASE_ID PASSPHRASE');
const dataDir: string = dataDirArg;
const leaseId: string = leaseIdArg;
const passphrase: string = passphraseArg;

const services = createAppServices({
  shell: 'headless',
  dataDir,
  version: '0.0.0-test',
  keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
  renter: {
    afterPaymentSigned: (payment) => {
      process.stdout.write(`signed ${payment.signature}\n`);
      process.kill(process.pid, 'SIGKILL');
    },
  },
});
services.events.on('wallet:confirm-request', (request) => {
  void services.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase });
});
async function main(): Promise<void> {
  await services.start();
  await services.handlers['wallet:unlock']({ passphrase });
  process.stdout.write('paying\n');
  await services.handlers['rent:pay']({ leaseId });
  process.stdout.write('paid without a crash\n');
  process.exit(3);
}
main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(2);
});
