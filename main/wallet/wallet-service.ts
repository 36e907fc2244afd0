import {
  getAddressDecoder,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  getTransactionDecoder,
  partiallySignTransaction,
  signBytes,
} from '@solana/kit';
import type { Address, Instruction, KeyPairSigner, Signature } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { ApiError } from '../../common/api/errors';
import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import type { Settings } from '../../common/settings';
import { formatTokenAmount } from '../../common/wallet/token-amount';
import type {
  FaucetResult,
  SendResult,
  SendToken,
  WalletAccount,
  WalletBalances,
  WalletExportResult,
  WalletState,
  WalletTransaction,
} from '../../common/wallet/wallet-types';
import type { AutoPayBudgets } from './auto-pay-budgets';
import { isLockable } from './key-protection';
import type { KeyVault } from './key-vault';
import type { NetworkService } from './network-service';
import {
  buildPaymentInstructions,
  buildSolTransferInstructions,
  buildTokenTransferInstructions,
  memoInstruction,
  signInstructions,
} from '../../solana/payments/payment-builder';
import type { PaymentRequest } from '../../solana/payments/payment-builder';
import type { SigningApprovals, SigningDraft } from './signing-approvals';
import { TransactionHistory } from './transaction-history';
import { TOKEN_2022_PROGRAM, describeTransfers, looksLikeTransactionMessage, messageText, summarizeTransaction } from './transaction-summary';
import type { WalletActivity, WalletActivityKind } from './wallet-activity';

/** How a lease payment may be approved, and a hook for the payer's own records. */
export interface PayOptions {
  /**
   * 'budget': only from the lease's auto-pay budget, never asking (refused when it has no
   * room); 'budget-or-confirm': from the budget when it has room, else the user confirms;
   * 'confirm': the user always confirms. Absent: the global auto-pay setting picks
   * 'budget-or-confirm' when on, else 'confirm'.
   */
  approval?: 'budget' | 'budget-or-confirm' | 'confirm';
  /** Called with the signature once the transaction is signed, before it is sent. */
  onSigned?: (signature: Signature) => void;
}

/**
 * The local wallet as the app uses it: keys from the vault, the network from the network
 * service, and every signature behind a confirmation the user saw (or, for lease
 * payments only, inside an auto-pay budget they set). Signing happens here, in main;
 * the UI only ever sees addresses, amounts and signatures.
 */
export interface WalletServiceDeps {
  vault: KeyVault;
  network: NetworkService;
  approvals: SigningApprovals;
  activity: WalletActivity;
  budgets: AutoPayBudgets;
  settings: () => Settings;
  events: EventBus<ApiEventMap>;
  nowMs?: () => number;
}

const LAMPORTS_PER_SIGNATURE = 5000n;
const BALANCE_POLL_MS = 10_000;
const transactionDecoder = getTransactionDecoder();
const addressDecoder = getAddressDecoder();

export class WalletService {
  private readonly nowMs: () => number;
  private readonly history: TransactionHistory;
  private poller: NodeJS.Timeout | null = null;
  private lastBalancesKey = '';
  private readonly offLock: () => void;

  constructor(private readonly deps: WalletServiceDeps) {
    this.nowMs = deps.nowMs ?? Date.now;
    this.history = new TransactionHistory((signature) => deps.activity.purposeOf(signature));
    this.offLock = deps.vault.protection.onLock(() => this.publishState());
  }

  state(): WalletState {
    return this.deps.vault.state();
  }

  async create(label?: string): Promise<WalletAccount> {
    const account = await this.deps.vault.create(label);
    this.publishState();
    return account;
  }

  async import(secret: string, label?: string): Promise<WalletAccount> {
    const account = await this.deps.vault.import(secret, label);
    this.publishState();
    return account;
  }

  async export(address: string, format: WalletExportResult['format'], passphrase?: string): Promise<WalletExportResult> {
    return this.deps.vault.export(address, format, passphrase);
  }

  select(address: string): WalletState {
    this.deps.vault.select(address);
    return this.publishState();
  }

  rename(address: string, label: string): WalletState {
    this.deps.vault.rename(address, label);
    return this.publishState();
  }

  async unlock(passphrase: string): Promise<WalletState> {
    const protection = this.deps.vault.protection;
    if (!isLockable(protection)) {
      throw new ApiError('conflict', 'This app keeps keys in the OS keychain; there is no passphrase to enter.');
    }
    await protection.unlock(passphrase);
    return this.publishState();
  }

  lock(): WalletState {
    const protection = this.deps.vault.protection;
    if (isLockable(protection)) protection.lock();
    return this.publishState();
  }

  async balances(address?: string): Promise<WalletBalances> {
    const owner = (address ?? this.requireActive()) as Address;
    const network = this.deps.network;
    const client = network.client();
    const info = network.info();
    const mint = info.usdcMint as Address;
    const [lamports, usdc] = await Promise.all([client.solBalance(owner), client.tokenBalance(owner, mint)]);
    return {
      address: owner,
      network: info.kind,
      lamports: lamports.toString(),
      usdc: usdc.amount.toString(),
      usdcDecimals: info.usdcDecimals,
      usdcMint: mint,
      usdcAccount: usdc.account,
      updatedAtMs: this.nowMs(),
    };
  }

  async send(input: { to: string; token: SendToken; amount: bigint; memo?: string }): Promise<SendResult> {
    const from = this.requireActive();
    this.requireUnlocked();
    if (input.amount <= 0n) throw new ApiError('invalid_params', 'Enter an amount above zero.');
    const client = this.deps.network.client();
    const info = this.deps.network.info();
    const to = input.to as Address;
    const decimals = input.token === 'SOL' ? 9 : info.usdcDecimals;
    const warnings: string[] = [];
    if (to === from) warnings.push('You are sending to this same wallet.');
    let feeLamports = LAMPORTS_PER_SIGNATURE;
    if (input.token === 'USDC') {
      const destination = await client.tokenBalance(to, info.usdcMint as Address);
      if (!destination.exists) {
        warnings.push("The recipient has no USDC account yet: this transaction creates it and you pay its rent (about 0.002 SOL).");
        feeLamports += 2_039_280n;
      }
    }
    const purpose = `Send ${formatTokenAmount(input.amount, decimals)} ${input.token} to ${to}`;
    await this.confirm({
      kind: 'send',
      purpose,
      transfers: [{ token: input.token, mint: input.token === 'USDC' ? info.usdcMint : null, amount: input.amount.toString(), decimals, recipient: to }],
      feeLamports: feeLamports.toString(),
      memo: input.memo ?? null,
      warnings,
    }, from);
    const signer = await this.deps.vault.signer(from);
    const instructions: Instruction[] =
      input.token === 'SOL'
        ? buildSolTransferInstructions(signer, to, input.amount)
        : await buildTokenTransferInstructions(signer, { recipient: to, mint: info.usdcMint as Address, decimals, amount: input.amount });
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
    const from = this.requireActive();
    this.requireUnlocked();
    const purpose = `Pay lease ${request.leaseId}, increment ${request.increment}: ${formatTokenAmount(request.amount, request.decimals)} USDC to ${request.recipient}`;
    const approval = options.approval ?? (this.deps.settings().autoPayEnabled ? 'budget-or-confirm' : 'confirm');
    const autoApproved = approval !== 'confirm' && this.deps.budgets.tryReserve(request.leaseId, request.amount);
    if (approval === 'budget' && !autoApproved) {
      throw new ApiError('conflict', `The auto-pay budget of lease ${request.leaseId} has no room for ${formatTokenAmount(request.amount, request.decimals)} USDC. Raise the budget or pay this increment yourself.`);
    }
    let sent = false;
    try {
      if (!autoApproved) {
        await this.confirm({
          kind: 'payment',
          purpose,
          transfers: [{ token: 'USDC', mint: request.mint, amount: request.amount.toString(), decimals: request.decimals, recipient: request.recipient }],
          feeLamports: LAMPORTS_PER_SIGNATURE.toString(),
          memo: null,
          warnings: [],
        }, from);
      }
      const signer = await this.deps.vault.signer(from);
      const instructions = await buildPaymentInstructions(signer, request);
      const result = await this.sendSigned(signer, instructions, 'payment', purpose, () => {
        sent = true;
      }, options.onSigned);
      return { ...result, autoApproved };
    } catch (error) {
      // Give the budget back only when the payment certainly did not leave.
      if (autoApproved && !sent) this.deps.budgets.release(request.leaseId, request.amount);
      throw error;
    }
  }

  async faucet(options: { sol: boolean; usdc: boolean }): Promise<FaucetResult> {
    const address = this.requireActive() as Address;
    const network = this.deps.network;
    // The embedded sandbox and a private grid whose hub serves a sandbox chain have one.
    if (!network.info().faucet) {
      throw new ApiError('unavailable', `The faucet exists only on sandbox chains; you are on ${network.info().label}.`);
    }
    const client = network.client();
    const lamports = options.sol ? 2n * 1_000_000_000n : 0n;
    const usdc = options.usdc ? 1_000n * 1_000_000n : 0n;
    if (lamports === 0n && usdc === 0n) throw new ApiError('invalid_params', 'Ask the faucet for SOL, USDC or both.');
    const signatures = await client.sandboxFaucet(address, { lamports, usdc });
    for (const signature of signatures) {
      await client.confirm(signature, { commitment: 'confirmed' });
      this.deps.activity.record(signature, 'sandbox', address, 'faucet', 'Sandbox faucet');
      this.deps.events.emit('wallet:activity', { address, signature });
    }
    void this.refreshBalances();
    return { signatures, lamports: lamports.toString(), usdc: usdc.toString() };
  }

  async transactions(limit: number): Promise<WalletTransaction[]> {
    const owner = this.requireActive() as Address;
    const client = this.deps.network.client();
    return this.history.recent(client, owner, this.deps.network.usdcMint(), limit);
  }

  /** Wallet Standard `solana:signTransaction`: the user sees what it moves, then it is signed. */
  async signTransaction(address: string, transactionBase64: string): Promise<string> {
    this.requireWallet(address);
    this.requireUnlocked();
    let transaction;
    try {
      transaction = transactionDecoder.decode(Buffer.from(transactionBase64, 'base64'));
    } catch {
      throw new ApiError('invalid_params', 'This is not a Solana transaction Idlegrid can read, so it was not signed.');
    }
    const info = this.deps.network.info();
    const client = this.deps.network.client();
    const summary = await summarizeTransaction(new Uint8Array(transaction.messageBytes), address, info.usdcMint, {
      tokenAccount: async (account) => {
        const found = await client.accountOwner(account);
        if (!found || (found.owner !== TOKEN_PROGRAM_ADDRESS && found.owner !== TOKEN_2022_PROGRAM) || found.data.length < 165) return null;
        return { mint: addressDecoder.decode(found.data.subarray(0, 32)), owner: addressDecoder.decode(found.data.subarray(32, 64)) };
      },
      mintDecimals: async (mint) => (await client.mintInfo(mint)).decimals,
    });
    await this.confirm({
      kind: 'transaction',
      origin: 'wallet-standard',
      purpose: describeTransfers(summary.transfers),
      transfers: summary.transfers,
      feeLamports: summary.feePayer === address ? summary.feeLamports : null,
      programs: summary.programs,
      memo: summary.memo,
      warnings: summary.warnings,
    }, address);
    const signer = await this.deps.vault.signer(address);
    const signed = await partiallySignTransaction([signer.keyPair], transaction);
    if (summary.feePayer === address) {
      this.deps.activity.record(getSignatureFromTransaction(signed), info.kind, address, 'signed', 'Signed for a connected page');
    }
    return getBase64EncodedWireTransaction(signed);
  }

  /** Wallet Standard `solana:signMessage`: refuses bytes that would double as a transaction. */
  async signMessage(address: string, messageBase64: string): Promise<string> {
    this.requireWallet(address);
    this.requireUnlocked();
    const bytes = new Uint8Array(Buffer.from(messageBase64, 'base64'));
    if (looksLikeTransactionMessage(bytes)) {
      throw new ApiError('invalid_params', 'This "message" is a Solana transaction in disguise; signing it could move your funds, so it was refused.');
    }
    await this.confirm({
      kind: 'message',
      origin: 'wallet-standard',
      purpose: 'Sign a message (no money moves)',
      transfers: [],
      feeLamports: null,
      programs: [],
      memo: null,
      message: messageText(bytes),
      warnings: [],
    }, address);
    const signer = await this.deps.vault.signer(address);
    const signature = await signBytes(signer.keyPair.privateKey, bytes);
    return Buffer.from(signature).toString('base64');
  }

  /**
   * Signs the hub's sign-in challenge with a vault wallet (the active one by default), without a confirmation: it
   * is this app's own session with the hub the user chose, and no money moves. Only text
   * in the sign-in layout naming that address is signed, so nothing else can pass here.
   */
  async signHubSignIn(message: Uint8Array, walletAddress?: string): Promise<{ address: string; signature: Uint8Array }> {
    const address = walletAddress ?? this.requireActive();
    this.requireWallet(address);
    this.requireUnlocked();
    const text = new TextDecoder().decode(message);
    const lines = text.split('\n');
    if (!/ wants you to sign in to the Idlegrid hub with your Solana account:$/.test(lines[0] ?? '') || lines[1] !== address) {
      throw new ApiError('invalid_params', 'Only an Idlegrid hub sign-in for the active wallet is signed without asking.');
    }
    const signer = await this.deps.vault.signer(address);
    return { address, signature: new Uint8Array(await signBytes(signer.keyPair.privateKey, message)) };
  }

  /** Publishes balances when they change, while someone listens; safe to call often. */
  async refreshBalances(): Promise<void> {
    const active = this.deps.vault.activeAddress();
    if (!active || this.deps.network.info().status !== 'ready') return;
    try {
      const balances = await this.balances(active);
      const key = `${balances.network}:${balances.address}:${balances.lamports}:${balances.usdc}`;
      if (key !== this.lastBalancesKey) {
        this.lastBalancesKey = key;
        this.deps.events.emit('wallet:balances', balances);
      }
    } catch {
      // The next poll tries again; a call from the UI reports the error itself.
    }
  }

  start(): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      if (this.deps.events.listenerCount('wallet:balances') > 0) void this.refreshBalances();
    }, BALANCE_POLL_MS);
    this.poller.unref();
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    this.offLock();
    this.deps.approvals.dispose();
  }

  private async sendSigned(signer: KeyPairSigner, instructions: Instruction[], kind: WalletActivityKind, purpose: string, onSent?: () => void, onSigned?: (signature: Signature) => void) {
    const client = this.deps.network.client();
    const from = signer.address;
    const lifetime = await client.latestBlockhash();
    const transaction = await signInstructions(signer, lifetime, instructions);
    const signature = getSignatureFromTransaction(transaction);
    // The caller records the signature before the money can move (a crash after sending
    // must leave a trace, so a retry looks the payment up instead of paying again).
    onSigned?.(signature);
    await client.send(transaction);
    onSent?.();
    // Recorded before confirmation: if confirming times out, history still says what it was for.
    this.deps.activity.record(signature, this.deps.network.info().kind, from, kind, purpose);
    const { slot } = await client.confirm(signature, { commitment: 'confirmed', lastValidBlockHeight: lifetime.lastValidBlockHeight });
    this.deps.events.emit('wallet:activity', { address: from, signature });
    void this.refreshBalances();
    return { signature, slot };
  }

  private async confirm(draft: Omit<SigningDraft, 'walletAddress' | 'network' | 'origin' | 'programs' | 'message'> & Partial<SigningDraft>, walletAddress: string): Promise<void> {
    await this.deps.approvals.request({
      origin: 'app',
      programs: [],
      message: null,
      ...draft,
      walletAddress,
      network: this.deps.network.info().kind,
    });
  }

  private requireActive(): string {
    const active = this.deps.vault.activeAddress();
    if (!active) throw new ApiError('not_found', 'There is no wallet yet. Create or import one in the Wallet view.');
    return active;
  }

  private requireWallet(address: string): void {
    if (!this.deps.vault.state().wallets.some((w) => w.address === address && w.usable)) {
      throw new ApiError('not_found', `Wallet ${address} is not on this machine (or cannot be opened here).`);
    }
  }

  private requireUnlocked(): void {
    const protection = this.deps.vault.protection;
    if (!protection.isUnlocked()) {
      throw new ApiError('forbidden', protection.kind === 'passphrase'
        ? 'The wallet is locked. Unlock it with your passphrase, then try again.'
        : 'The OS keychain is not available, so the wallet cannot sign. Sign in to your desktop session and try again.');
    }
  }

  private publishState(): WalletState {
    const state = this.deps.vault.state();
    this.deps.events.emit('wallet:changed', state);
    return state;
  }
}
