import type { Address, Signature } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import type { RecoveredPayment } from '../../../common/market/earnings-types';
import { parsePaymentMemo } from '../../../common/money/payment-memo';
import { idlegridPaymentMemoOf } from '../../../solana/payments/payment-verifier';
import type { JsonEncodedTransaction } from '../../../solana/payments/payment-verifier';
import type { WalletModule } from '../../wallet/wallet-module';
import type { EarningsStore } from './earnings-store';
import type { PaymentNotice } from './payment-intake';
import type { SupplierLeaseStore } from './supplier-lease-store';

export interface ChainPaymentRecoveryDeps {
  leases: SupplierLeaseStore;
  earnings: EarningsStore;
  wallet: WalletModule;
  /** The address payments for this machine go to. */
  payout: () => string;
  /** Books one payment the usual way: verified in full on chain, recorded once, refunded in part when the lease had ended. */
  book: (leaseId: string, payment: PaymentNotice) => Promise<void>;
  /** How many of the payout account's latest transactions are looked at (100 by default). */
  limit?: number;
}

/**
 * The supplier's last line for money that arrived without being booked (issue 19, item
 * 3): a `lease.paid` lost to a full disk, a crash or a dropped socket. It lists the
 * latest transactions of the payout wallet's token account for each mint its leases pay
 * in, keeps those that carry an Idlegrid payment memo for a lease of this machine and have
 * no earnings row, and books each through the payment intake, which checks it on chain in
 * full (recipient, amount, reference, memo) exactly as a payment the hub announced.
 */
export class ChainPaymentRecovery {
  constructor(private readonly d: ChainPaymentRecoveryDeps) {}

  async run(): Promise<RecoveredPayment[]> {
    const payout = this.d.payout();
    if (!payout) return [];
    const client = this.d.wallet.network.client();
    const found: RecoveredPayment[] = [];
    const mints = [...new Set(this.d.leases.recent(500).map((l) => l.lease.mint))];
    for (const mint of mints) {
      const [account] = await findAssociatedTokenPda({ owner: payout as Address, mint: mint as Address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
      const listed = await client.signaturesForAddress(account, this.d.limit ?? 100);
      for (const entry of listed) {
        if (entry.err !== null || this.d.earnings.has(entry.signature)) continue;
        const tx = (await client.transaction(entry.signature as Signature, 'confirmed')) as JsonEncodedTransaction | null;
        const memo = tx ? idlegridPaymentMemoOf(tx) : null;
        const parsed = memo ? parsePaymentMemo(memo) : null;
        // Not a lease payment (a refund this machine sent, a transfer of the owner's own).
        if (!parsed) continue;
        const base = { signature: entry.signature, leaseId: parsed.leaseId, increment: parsed.increment };
        const stored = this.d.leases.get(parsed.leaseId);
        if (!stored) {
          found.push({ ...base, booked: false, reason: `Lease ${parsed.leaseId} never ran on this machine: not booked.` });
          continue;
        }
        const expected = stored.lease.payments.find((p) => p.increment === parsed.increment);
        if (!expected) {
          found.push({ ...base, booked: false, reason: `Lease ${parsed.leaseId} as this machine knows it has no increment ${parsed.increment}: not booked.` });
          continue;
        }
        await this.d.book(parsed.leaseId, { increment: parsed.increment, signature: entry.signature, amount: expected.amount, reference: expected.reference, memo: expected.memo });
        const booked = this.d.earnings.has(entry.signature);
        found.push({ ...base, booked, reason: booked ? null : 'It did not verify as this increment\'s payment (see the lease\'s log): not booked.' });
      }
    }
    return found;
  }
}
