import { z } from 'zod';
import { call, event } from './define';
import type { NetworkInfo } from '../wallet/network';
import { NETWORK_KINDS } from '../wallet/network';
import { TOKENS } from '../money/token-registry';
import type {
  FaucetResult,
  SendResult,
  SigningOutcome,
  SigningRequest,
  SigningResolution,
  WalletAccount,
  WalletBalances,
  WalletExportResult,
  WalletState,
  WalletTransaction,
} from '../wallet/wallet-types';
import { addressSchema, base64Schema, baseUnitsSchema, walletLabelSchema } from '../wallet/wallet-schemas';

const noParams = z.object({}).strict();

/** The words the export call must carry: a click alone never reveals a key. */
export const EXPORT_CONFIRMATION = 'I understand this file gives full control of this wallet';

/** A Solana transaction on the wire is at most 1232 bytes; a signed message is kept small too. */
const MAX_TRANSACTION_BYTES = 1232;
const MAX_MESSAGE_BYTES = 4096;

export const walletCalls = {
  /** Every wallet in the vault, the active one, and the lock state. */
  'wallet:list': call<WalletState>()(noParams),
  /** Makes a new keypair, encrypts it at rest, and makes it active. */
  'wallet:create': call<WalletAccount>()(z.object({ label: walletLabelSchema.optional() }).strict()),
  /**
   * Imports a Solana CLI key file's contents (a JSON array of 64 numbers) or a base58
   * secret key, and makes it active. An address already in the vault is refused.
   */
  'wallet:import': call<WalletAccount>()(
    z.object({ secret: z.string().min(32).max(2000), label: walletLabelSchema.optional() }).strict(),
  ),
  /**
   * Writes the secret key to a file (mode 0600) in the data folder and returns its path;
   * the key itself never comes back to the UI. Needs the confirmation words, and with
   * passphrase protection the passphrase again.
   */
  'wallet:export': call<WalletExportResult>()(
    z
      .object({
        address: addressSchema,
        format: z.enum(['solana-cli-json', 'base58']).default('solana-cli-json'),
        confirm: z.literal(EXPORT_CONFIRMATION),
        passphrase: z.string().max(1024).optional(),
      })
      .strict(),
  ),
  'wallet:select': call<WalletState>()(z.object({ address: addressSchema }).strict()),
  'wallet:rename': call<WalletState>()(z.object({ address: addressSchema, label: walletLabelSchema }).strict()),
  /** Passphrase protection: unlocks for this session (the first unlock sets the passphrase). */
  'wallet:unlock': call<WalletState>()(z.object({ passphrase: z.string().min(1).max(1024) }).strict()),
  'wallet:lock': call<WalletState>()(noParams),
  /** SOL and the payment token of a wallet (the active one when no address is given) on the current network. */
  'wallet:balances': call<WalletBalances>()(z.object({ address: addressSchema.optional() }).strict()),
  /** Sends SOL or the payment token from the active wallet after the user confirms it. */
  'wallet:send': call<SendResult>()(
    z
      .object({
        to: addressSchema,
        /** 'SOL' or the network's payment token (its symbol). */
        token: z.enum(['SOL', ...TOKENS.symbols()] as [string, ...string[]]),
        amount: baseUnitsSchema,
        memo: z.string().max(200).optional(),
      })
      .strict(),
  ),
  /** Sandbox only: test SOL and test USDC for the active wallet. */
  'wallet:faucet': call<FaucetResult>()(
    z.object({ sol: z.boolean().default(true), usdc: z.boolean().default(true) }).strict(),
  ),
  'wallet:transactions': call<WalletTransaction[]>()(
    z.object({ limit: z.number().int().min(1).max(50).default(20) }).strict(),
  ),
  /**
   * Wallet Standard bridge (`solana:signTransaction`): signs a wire transaction (base64)
   * with a vault wallet after the user confirms what it does. Returns the signed wire bytes.
   */
  'wallet:sign-transaction': call<{ signedTransaction: string }>()(
    z.object({ address: addressSchema, transaction: base64Schema(MAX_TRANSACTION_BYTES).min(4) }).strict(),
  ),
  /** Wallet Standard bridge (`solana:signMessage`): a 64-byte Ed25519 signature, base64. */
  'wallet:sign-message': call<{ signature: string }>()(
    z.object({ address: addressSchema, message: base64Schema(MAX_MESSAGE_BYTES).min(1) }).strict(),
  ),
  /**
   * The UI's answer to a `wallet:confirm-request`. Headless: approving needs the wallet
   * passphrase again; desktop: only the main process's dialog approves (this call can only
   * decline). Declining needs nothing.
   */
  'wallet:confirm': call<{ outcome: SigningOutcome }>()(
    z.object({ id: z.string().min(1).max(64), approved: z.boolean(), passphrase: z.string().max(1024).optional() }).strict(),
  ),
  /** Requests still waiting for an answer (a window opened after they were made). */
  'wallet:pending-confirmations': call<SigningRequest[]>()(noParams),
  'network:get': call<NetworkInfo>()(noParams),
  /** Switches the network; custom needs an RPC URL and the payment token's mint, grid a hub URL. */
  'network:set': call<NetworkInfo>()(
    z
      .object({
        kind: z.enum(NETWORK_KINDS),
        rpcUrl: z.string().max(500).optional(),
        usdcMint: addressSchema.optional(),
        /** 'grid': the private grid's hub (its /v1/info names the chain). */
        hubUrl: z.string().max(500).optional(),
        /**
         * 'grid': the user saw the warning that this hub is plain http beyond loopback and
         * private networks (sign-ins and session tokens would cross the network in clear).
         */
        acceptPlainHttp: z.boolean().optional(),
      })
      .strict(),
  ),
};

export const walletEvents = {
  'wallet:changed': event<WalletState>(),
  'wallet:balances': event<WalletBalances>(),
  /** Something new touched the active wallet (sent, received from the faucet, signed). */
  'wallet:activity': event<{ address: string; signature: string }>(),
  'wallet:confirm-request': event<SigningRequest>(),
  'wallet:confirm-resolved': event<SigningResolution>(),
  'network:changed': event<NetworkInfo>(),
};
