import { getBase64EncodedWireTransaction, getSignatureFromTransaction } from '@solana/kit';
import type { Address, Instruction, KeyPairSigner, Signature } from '@solana/kit';
import { ApiError } from '../../common/api/errors';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { Settings } from '../../common/settings';
import { formatAmount } from '../../common/money/amount-text';
import { SOL } from '../../common/money/token';
import { oneToken } from '../../common/money/token-amount';
import { PAYMENT_TOKEN } from '../../common/money/token-registry';
import type { FaucetResult, SendResult, SendToken, WalletTransaction } from '../../common/wallet/wallet-types';
import {
  buildPaymentInstructions,
  buildSolTransferInstructions,
  buildTokenTransferInstructions,
  memoInstruction,
  signInstructions,
} from '../../solana/payments/payment-builder';
import type { PaymentRequest } from '../../solana/payments/payment-builder';
import type { AutoPayBudgets } from './auto-pay-budgets';
import type { BalanceWatcher } from './balance-watcher';
import type { KeyVault } from './key-vault';
import type { NetworkService } from './network-service';
import { signingDraft } from './signing-approvals';
import type { SigningApprovals } from './signing-approvals';
import { TransactionHistory } from './transaction-history';
import { storageFailureText } from '../../sqlite/storage-failure';
import type { WalletAccounts } from './wallet-accounts';
import type { WalletActivity, WalletActivityKind } from './wallet-activity';
import { incrementNumber } from '../../common/market/increment-number';

/** How a lease payment may be approved, and a hook for the payer's own records. */
export interface PayOptions {
  /**
   * 'budget': only from the lease's auto-pay budget, never asking (refused when it has no
   * room); 'budget-or-confirm': from the budget when it has room, else the user confirms;
   * 'confirm': the user always confirms. Absent: the global auto-pay setting picks
   * 'budget-or-confirm' when on, else 'confirm'.
   */
  approval?: 'budget' | 'budget-or-confirm' | 'confirm';
  /**
   * Called with the signature once the transaction is signed, before it is sent, and
   * whether the lease's auto-pay budget holds it (recorded with it, so a restart can
   * rebuild the budget from the payments: issue 19, item 7). `meta.signedTransaction` is
   * the signed wire transaction (base64) and `meta.lastValidBlockHeight` the block height
   * after which it can no longer land: a payer that stores them can send the very same
   * transaction again after a crash, which can never pay twice (issue 19, item 8).
   */
  onSigned?: (signature: Signature, meta: { autoApproved: boolean; signedTransaction: string; lastValidBlockHeight: bigint }) => void;
}

export interface WalletTransfersDeps {
  vault: KeyVault;
  network: NetworkService;
  approvals: SigningApprovals;
  activity: WalletActivity;
  budgets: AutoPayBudgets;
  accounts: WalletAccounts;
  balances: BalanceWatcher;
  settings: () => Settings;
}

const LAMPORTS_PER_SIGNATURE = 5000n;

/**
 * Money the app's own wallet moves, and its record: sends, lease payments (inside an
 * auto-pay budget or confirmed by the user), the sandbox faucet, and the recent
 * transactions with the purpose each was made for.
 */
export class WalletTransfers {
  private readonly history: TransactionHistory;
  private readonly activityRecorded = new Emitter<{ address: string; signature: string }>();
  /** The wallet sent a transaction (the UI's `wallet:activity`). */
  readonly onDidRecordActivity: Event<{ address: string; signature: string }> = this.activityRecorded.event;

  constructor(private readonly d: WalletTransfersDeps) {
    this.history = new TransactionHistory((signature) => d.activity.purposeOf(signature));
  }

  async send(input: { to: string; token: SendToken; amount: bigint; memo?: string }): Promise<SendResult> {
    const from = this.d.accounts.requireActive();
    this.d.accounts.requireUnlocked();
    if (input.amount <= 0n) throw new ApiError('invalid_params', 'Enter an amount above zero.', 'amount_not_positive');
    const client = this.d.network.client();
    const info = this.d.network.info();
    const to = input.to as Address;
    if (input.token !== 'SOL' && input.token !== info.token) throw new ApiError('invalid_params', `${info.label} pays in ${info.token}; send SOL or ${info.token}.`);
    const unit = input.token === 'SOL' ? SOL : { symbol: info.token, decimals: info.decimals };
    const decimals = unit.decimals;
    const warnings: string[] = [];
    if (to === from) warnings.push('You are sending to this same wallet.');
    let feeLamports = LAMPORTS_PER_SIGNATURE;
    if (input.token !== 'SOL') {
      const destination = await client.tokenBalance(to, info.mint as Address);
      if (!destination.exists) {
        warnings.push(`The recipient has no ${info.token} account yet: this transaction creates it and you pay its rent (about 0.002 SOL).`);
        feeLamports += 2_039_280n;
      }
    }
    const purpose = `Send ${formatAmount({ token: unit, baseUnits: input.amount }, { symbol: true })} to ${to}`;
    await this.confirm({
      kind: 'send',
      purpose,
      transfers: [{ token: input.token, mint: input.token === 'SOL' ? null : info.mint, amount: input.amount.toString(), decimals, recipient: to }],
      feeLamports: feeLamports.toString(),
      memo: input.memo ?? null,
      warnings,
    }, from);
    const signer = await this.d.vault.signer(from);
    const instructions: Instruction[] =
      input.token === 'SOL'
        ? buildSolTransferInstructions(signer, to, input.amount)
        : await buildTokenTransferInstructions(signer, { recipient: to, mint: info.mint as Address, decimals, amount: input.amount });
    if (input.memo) instructions.push(memoInstruction(input.memo));
    const { signature, slot } = await this.sendSigned(signer, instructions, 'send', purpose);
    return { signature, slot: Number(slot) };
  }

  /**
   * Pays one lease increment (the market's renter client calls this). Auto-approved only
   * inside the lease's budget and only with consent: the renter client passes the
   * per-lease auto-pay toggle as `approval`; without it the global auto-pay setting
   * decides. Otherwise the user confirms.
   */
  async pay(request: PaymentRequest, options: PayOptions = {}): Promise<{ signature: Signature; slot: bigint; autoApproved: boolean }> {
    const from = this.d.accounts.requireActive();
    this.d.accounts.requireUnlocked();
    const amountText = formatAmount({ token: request.token, baseUnits: request.amount }, { symbol: true });
    const purpose = `Pay lease ${request.leaseId}, increment ${incrementNumber(request.increment)}: ${amountText} to ${request.recipient}`;
    const approval = options.approval ?? (this.d.settings().autoPayEnabled ? 'budget-or-confirm' : 'confirm');
    const autoApproved = approval !== 'confirm' && this.d.budgets.tryReserve(request.leaseId, request.amount);
    if (approval === 'budget' && !autoApproved) {
      throw new ApiError('conflict', `The auto-pay budget of lease ${request.leaseId} has no room for ${amountText}. Raise the budget or pay this increment yourself.`, 'auto_pay_budget_exhausted');
    }
    let sent = false;
    try {
      if (!autoApproved) {
        await this.confirm({
          kind: 'payment',
          purpose,
          transfers: [{ token: request.token.symbol, mint: request.mint, amount: request.amount.toString(), decimals: request.token.decimals, recipient: request.recipient }],
          feeLamports: LAMPORTS_PER_SIGNATURE.toString(),
          memo: null,
          warnings: [],
        }, from);
      }
      const signer = await this.d.vault.signer(from);
      const instructions = await buildPaymentInstructions(signer, request);
      const onSigned = options.onSigned;
      const result = await this.sendSigned(signer, instructions, 'payment', purpose, () => {
        sent = true;
      }, onSigned ? (signature, lastValidBlockHeight, signedTransaction) => onSigned(signature, { autoApproved, signedTransaction, lastValidBlockHeight }) : undefined);
      return { ...result, autoApproved };
    } catch (error) {
      // Give the budget back only when the payment certainly did not leave.
      if (autoApproved && !sent) this.d.budgets.release(request.leaseId, request.amount);
      throw error;
    }
  }

  async faucet(options: { sol: boolean; usdc: boolean }): Promise<FaucetResult> {
    const address = this.d.accounts.requireActive() as Address;
    const network = this.d.network;
    // The embedded sandbox and a private grid whose hub serves a sandbox chain have one.
    if (!network.info().faucet) {
      throw new ApiError('unavailable', `The faucet exists only on sandbox chains; you are on ${network.info().label}.`, 'faucet_unavailable');
    }
    const client = network.client();
    const lamports = options.sol ? 2n * 1_000_000_000n : 0n;
    const usdc = options.usdc ? 1_000n * oneToken(PAYMENT_TOKEN) : 0n;
    if (lamports === 0n && usdc === 0n) throw new ApiError('invalid_params', `Ask the faucet for SOL, ${PAYMENT_TOKEN.symbol} or both.`, 'faucet_nothing_asked');
    const signatures = await client.sandboxFaucet(address, { lamports, usdc });
    for (const signature of signatures) {
      await client.confirm(signature, { commitment: 'confirmed' });
      this.d.activity.record(signature, 'sandbox', address, 'faucet', 'Sandbox faucet');
      this.activityRecorded.fire({ address, signature });
    }
    void this.d.balances.refreshBalances();
    return { signatures, lamports: lamports.toString(), usdc: usdc.toString() };
  }

  async transactions(limit: number): Promise<WalletTransaction[]> {
    const owner = this.d.accounts.requireActive() as Address;
    const client = this.d.network.client();
    return this.history.recent(client, owner, this.d.network.paymentMint(), limit);
  }

  /**
   * Gives back the unused part of a lease payment this machine received: a checked
   * transfer from `from` (the supplier's payout wallet, which must be in this vault and
   * unlocked) to the renter, with the refund memo. The owner is not asked: the supplier
   * session calls it only for a booked payment of that renter's lease and never for more
   * than was booked (LeaseRefunds checks both), so it can only return money to the lease's
   * renter. `onSigned` gets the signature and the block height it expires after, before
   * anything is sent, so a crash leaves a trace to look up instead of paying twice.
   */
  async refund(input: { from: string; to: string; mint: string; decimals: number; amount: bigint; memo: string; purpose: string; onSigned: (signature: Signature, lastValidBlockHeight: bigint) => void }): Promise<{ signature: Signature; slot: bigint }> {
    if (input.amount <= 0n) throw new ApiError('invalid_params', 'A refund must be more than zero.', 'amount_not_positive');
    const signer = await this.d.vault.signer(input.from);
    const instructions = await buildTokenTransferInstructions(signer, { recipient: input.to as Address, mint: input.mint as Address, decimals: input.decimals, amount: input.amount });
    instructions.push(memoInstruction(input.memo));
    return this.sendSigned(signer, instructions, 'payment', input.purpose, undefined, input.onSigned);
  }

  private async sendSigned(signer: KeyPairSigner, instructions: Instruction[], kind: WalletActivityKind, purpose: string, onSent?: () => void, onSigned?: (signature: Signature, lastValidBlockHeight: bigint, signedTransaction: string) => void) {
    const client = this.d.network.client();
    const from = signer.address;
    const lifetime = await client.latestBlockhash();
    const transaction = await signInstructions(signer, lifetime, instructions);
    const signature = getSignatureFromTransaction(transaction);
    // The caller records the signature before the money can move (a crash after sending
    // must leave a trace, so a retry looks the payment up instead of paying again).
    onSigned?.(signature, lifetime.lastValidBlockHeight, getBase64EncodedWireTransaction(transaction));
    await client.send(transaction);
    onSent?.();
    // Recorded before confirmation: if confirming times out, history still says what it was for.
    // The money has left: a history row lost to a full disk must not turn this into a failure.
    try {
      this.d.activity.record(signature, this.d.network.info().kind, from, kind, purpose);
    } catch (error) {
      if (!storageFailureText(error)) throw error;
    }
    const { slot } = await client.confirm(signature, { commitment: 'confirmed', lastValidBlockHeight: lifetime.lastValidBlockHeight });
    this.activityRecorded.fire({ address: from, signature });
    void this.d.balances.refreshBalances();
    return { signature, slot };
  }

  private async confirm(draft: Parameters<typeof signingDraft>[0], walletAddress: string): Promise<void> {
    await this.d.approvals.request(signingDraft(draft, walletAddress, this.d.network.info().kind));
  }
}
