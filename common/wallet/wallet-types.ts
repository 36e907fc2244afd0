import type { NetworkKind } from './network';

/**
 * How a wallet's secret is kept at rest: the OS keychain through Electron's safeStorage
 * (desktop), or a passphrase (scrypt + AES-256-GCM) for headless rigs.
 */
export type KeyProtectionKind = 'os-keychain' | 'passphrase';

/** One wallet in the vault. The secret never leaves main; this is all the UI sees. */
export interface WalletAccount {
  address: string;
  label: string;
  createdAtMs: number;
  protection: KeyProtectionKind;
  /** False when this shell cannot open it (e.g. sealed by the desktop keychain, read by headless). */
  usable: boolean;
  /** Why it is not usable, and what to do; null when usable. */
  problem: string | null;
}

export interface WalletState {
  wallets: WalletAccount[];
  activeAddress: string | null;
  /** How this shell protects keys. */
  protection: KeyProtectionKind;
  /** Passphrase protection only: secrets cannot be used until `wallet:unlock`. */
  locked: boolean;
  /** Passphrase protection only: false until the first unlock sets the passphrase. */
  passphraseSet: boolean;
  /** Passphrase protection only: the wallet locks itself after this long unused. */
  autoLockMs: number | null;
  /** Files in the wallet folder that could not be read; they are left untouched. */
  damagedFiles: string[];
}

export interface WalletBalances {
  address: string;
  network: NetworkKind;
  /** SOL in lamports, as a decimal string. */
  lamports: string;
  /** The symbol of the network's payment token (USDC today). */
  token: string;
  /** That token in base units, as a decimal string (0 when the token account does not exist yet). */
  tokenAmount: string;
  decimals: number;
  mint: string;
  /** The wallet's associated token account for it (where payments arrive). */
  tokenAccount: string;
  updatedAtMs: number;
}

export type WalletTransactionStatus = 'confirmed' | 'finalized' | 'failed';

/** A recent transaction touching the wallet, seen from the wallet's side. */
export interface WalletTransaction {
  signature: string;
  slot: number;
  blockTimeMs: number | null;
  status: WalletTransactionStatus;
  error: string | null;
  /** Change of the wallet's SOL, fees included, in lamports (negative when spent). */
  solChange: string;
  /** Change of the wallet's payment token (the network's `token`) in base units. */
  tokenChange: string;
  /** The other side of the largest movement, when there is one. */
  counterparty: string | null;
  memo: string | null;
  /** What Idlegrid did it for, when this app made it ("Faucet", "Send", "Lease … increment 2"). */
  purpose: string | null;
}

/** 'SOL' or the symbol of the network's payment token. */
export type SendToken = string;

export interface SendResult {
  signature: string;
  slot: number;
}

export interface FaucetResult {
  signatures: string[];
  lamports: string;
  usdc: string;
}

export interface WalletExportResult {
  path: string;
  format: 'solana-cli-json' | 'base58';
  /** Said to the user next to the path. */
  warning: string;
}

/** What a signing request moves, as shown in the confirmation dialog. */
export interface SigningTransfer {
  /** 'SOL', a registered token's symbol, or 'token' for a mint the app does not know. */
  token: string;
  /** null for SOL. */
  mint: string | null;
  /** Base units as a decimal string. */
  amount: string;
  decimals: number;
  /** The recipient wallet (or, when the owner is unknown, the receiving token account). */
  recipient: string;
}

/**
 * What the owner is asked to allow: money or a signature ('send', 'payment',
 * 'transaction', 'message'), or a change that lets money move later without asking
 * ('auto-pay': granting or raising an auto-pay budget or its limits; 'network': which
 * chain and hub the wallet uses).
 */
export type SigningRequestKind = 'send' | 'payment' | 'transaction' | 'message' | 'auto-pay' | 'network';

/**
 * Main asks the UI to confirm what it is about to sign (event `wallet:confirm-request`);
 * the UI answers with `wallet:confirm`. Nothing is signed before that answer, except
 * lease payments inside an auto-pay budget the user turned on.
 */
export interface SigningRequest {
  id: string;
  kind: SigningRequestKind;
  walletAddress: string;
  network: NetworkKind;
  /** One sentence: what this is for ("Send 5 USDC", "Pay lease L1, increment 3"). */
  purpose: string;
  /** Who asked: this app, or a page through the Wallet Standard bridge. */
  origin: 'app' | 'wallet-standard';
  transfers: SigningTransfer[];
  /** What the wallet pays besides the transfers, in lamports: the network fee plus any new account's rent; null when unknown. */
  feeLamports: string | null;
  /** Programs the transaction calls (for transactions the app did not build). */
  programs: string[];
  memo: string | null;
  /** For message signing: the text when it is readable UTF-8, else hex. */
  message: string | null;
  /** Things the user should know before approving (unknown programs, not the fee payer…). */
  warnings: string[];
  /**
   * How the owner approves (issue 14.2): 'dialog' — only in the desktop app's own
   * confirmation window (the UI can only decline); 'passphrase' — with the wallet
   * passphrase (headless).
   */
  approval: 'dialog' | 'passphrase';
  createdAtMs: number;
  expiresAtMs: number;
}

export type SigningOutcome = 'approved' | 'rejected' | 'expired' | 'auto-approved';

export interface SigningResolution {
  id: string;
  outcome: SigningOutcome;
}
