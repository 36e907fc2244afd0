import type { Migration } from '../../../sqlite/migration';
import { settingsMigration } from './001-settings';
import { jobsMigration } from './002-jobs';
import { walletMigration } from './003-wallet';
import { supplierMigration } from './004-supplier';
import { rentMigration } from './005-rent';
import { paymentTokensMigration } from './006-payment-tokens';
import { autoPaySpendsMigration } from './007-auto-pay-spends';
import { supplierRefundsMigration } from './008-supplier-refunds';
import { rentRefundsMigration } from './009-rent-refunds';
import { signedTransfersMigration } from './010-signed-transfers';

/**
 * Every ledger.db migration, in order. Add a file `NNN-name.ts` and append it here;
 * each has a test next to it that upgrades a database holding real rows.
 */
export const LEDGER_MIGRATIONS: readonly Migration[] = [settingsMigration, jobsMigration, walletMigration, supplierMigration, rentMigration, paymentTokensMigration, autoPaySpendsMigration, supplierRefundsMigration, rentRefundsMigration, signedTransfersMigration];
