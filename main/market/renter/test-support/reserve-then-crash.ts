// A renter that dies between reserving auto-pay budget and signing the payment (issue 19,
// item 7): it records one earlier auto-approved payment, reserves the next increment's
// amount, and kills itself with SIGKILL before anything is signed.
//   tsx reserve-then-crash.ts DATA_DIR LEASE_ID
import { join } from 'node:path';
import { openLedgerDb } from '../../../ledger/ledger-db';
import { AutoPayBudgets } from '../../../wallet/auto-pay-budgets';
import { RentLedger } from '../rent-ledger';

const [dataDir, leaseId] = process.argv.slice(2);
if (!dataDir || !leaseId) throw new Error('usage: reserve-then-crash.ts DATA_DIR LEASE_ID');
const db = openLedgerDb(join(dataDir, 'ledger.db'));
const budgets = new AutoPayBudgets(db);
const ledger = new RentLedger(db);
budgets.grant(leaseId, 10_000_000n);
// Increment 0: reserved, signed, on chain, credited.
budgets.tryReserve(leaseId, 2_000_000n);
ledger.recordSigned({ leaseId, increment: 0, payee: 'payee-1', payer: 'payer-1', amount: 2_000_000n, token: 'USDC', mint: 'mint-1', reference: 'ref-0', network: 'sandbox', signature: 'sig-0', signedAtMs: 1, autoApproved: true });
ledger.markSent('sig-0', true, 2);
ledger.markSubmitted('sig-0');
// Increment 1: reserved … and the process dies before the transfer is signed.
budgets.tryReserve(leaseId, 2_000_000n);
process.stdout.write('reserved\n');
process.kill(process.pid, 'SIGKILL');
