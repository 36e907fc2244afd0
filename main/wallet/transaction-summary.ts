import { getCompiledTransactionMessageDecoder, getUtf8Decoder } from '@solana/kit';
import type { Address } from '@solana/kit';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS } from '@solana-program/memo';
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { ApiError } from '../../common/api/errors';
import { formatAmount } from '../../common/money/amount-text';
import type { SigningTransfer } from '../../common/wallet/wallet-types';

/**
 * What a transaction built elsewhere (a page, through the Wallet Standard bridge) would
 * do, in terms a person can approve: SOL and token transfers with their recipients, the
 * memo, the fee, and warnings for anything Idlegrid cannot vouch for (programs it does not
 * know, token approvals, authority changes, not being the fee payer).
 */
export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP7VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const MEMO_PROGRAMS = new Set<string>([LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS, 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
const KNOWN_PROGRAMS = new Set<string>([SYSTEM_PROGRAM, TOKEN_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM, ASSOCIATED_TOKEN_PROGRAM_ADDRESS, COMPUTE_BUDGET_PROGRAM, ...MEMO_PROGRAMS]);
const LAMPORTS_PER_SIGNATURE = 5000n;

export interface TokenAccountLookup {
  /** The owner and mint of a token account, or null when it does not exist (yet). */
  tokenAccount(address: Address): Promise<{ owner: string; mint: string } | null>;
  mintDecimals(mint: Address): Promise<number | null>;
}

export interface TransactionSummary {
  feePayer: string;
  signers: string[];
  transfers: SigningTransfer[];
  programs: string[];
  memo: string | null;
  feeLamports: string;
  warnings: string[];
}

const messageDecoder = getCompiledTransactionMessageDecoder();
const utf8 = getUtf8Decoder();

export async function summarizeTransaction(
  messageBytes: Uint8Array,
  wallet: string,
  /** The network's payment token: its transfers are named by its symbol. */
  paymentToken: { symbol: string; mint: string },
  lookup: TokenAccountLookup,
): Promise<TransactionSummary> {
  let message;
  try {
    message = messageDecoder.decode(messageBytes);
  } catch {
    throw new ApiError('invalid_params', 'This is not a Solana transaction Idlegrid can read, so it was not signed.', 'transaction_unreadable');
  }
  if (message.version !== 'legacy' && message.version !== 0) {
    throw new ApiError('invalid_params', `Transaction version ${String(message.version)} is not supported, so it was not signed.`, 'transaction_version_unsupported');
  }
  const keys: string[] = [...message.staticAccounts];
  const numSigners = message.header.numSignerAccounts;
  const signers = keys.slice(0, numSigners);
  const warnings: string[] = [];
  if (!signers.includes(wallet)) {
    throw new ApiError('invalid_params', `This transaction does not ask ${wallet} to sign, so there is nothing to sign with it.`, 'transaction_not_for_wallet');
  }
  if (message.version === 0 && (message.addressTableLookups?.length ?? 0) > 0) {
    warnings.push('It uses address lookup tables: some accounts it touches are not listed here.');
  }
  const feePayer = keys[0] ?? '';
  if (feePayer !== wallet) warnings.push(`The network fee is paid by ${feePayer}, not by this wallet.`);
  if (signers.length > 1) warnings.push(`It also needs signatures from ${signers.filter((s) => s !== wallet).join(', ')}.`);

  const transfers: SigningTransfer[] = [];
  const programs = new Set<string>();
  const memos: string[] = [];
  // Token accounts created in this same transaction: destination → owner.
  const createdAtas = new Map<string, string>();
  for (const ix of message.instructions) {
    if (keys[ix.programAddressIndex] === ASSOCIATED_TOKEN_PROGRAM_ADDRESS) {
      const [, ata, owner] = (ix.accountIndices ?? []).map((i) => keys[i] ?? '');
      if (ata && owner) createdAtas.set(ata, owner);
    }
  }

  for (const ix of message.instructions) {
    const program = keys[ix.programAddressIndex] ?? '';
    programs.add(program);
    const accounts = (ix.accountIndices ?? []).map((i) => keys[i] ?? '');
    const data = ix.data ?? new Uint8Array();
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (program === SYSTEM_PROGRAM) {
      if (data.length >= 12 && view.getUint32(0, true) === 2 && accounts[0] === wallet) {
        transfers.push({ token: 'SOL', mint: null, amount: view.getBigUint64(4, true).toString(), decimals: 9, recipient: accounts[1] ?? '' });
      }
    } else if (program === TOKEN_PROGRAM_ADDRESS || program === TOKEN_2022_PROGRAM) {
      const kind = data[0];
      if ((kind === 12 || kind === 3) && data.length >= 9) {
        const checked = kind === 12;
        const destination = (checked ? accounts[2] : accounts[1]) ?? '';
        const source = accounts[0] ?? '';
        const amount = view.getBigUint64(1, true);
        let mint = checked ? (accounts[1] ?? null) : null;
        let decimals = checked ? (data[9] ?? null) : null;
        const sourceAccount = await lookup.tokenAccount(source as Address).catch(() => null);
        if (!mint) mint = sourceAccount?.mint ?? null;
        if (decimals === null && mint) decimals = await lookup.mintDecimals(mint as Address).catch(() => null);
        const destinationOwner = createdAtas.get(destination) ?? (await lookup.tokenAccount(destination as Address).catch(() => null))?.owner ?? null;
        transfers.push({
          token: mint === paymentToken.mint ? paymentToken.symbol : 'token',
          mint,
          amount: amount.toString(),
          decimals: decimals ?? 0,
          recipient: destinationOwner ?? destination,
        });
        if (!destinationOwner) warnings.push(`Tokens go to account ${destination}, whose owner Idlegrid could not look up.`);
        if (program === TOKEN_2022_PROGRAM) warnings.push('It moves a Token-2022 token; such tokens can carry transfer fees or hooks.');
      } else if (kind === 4 || kind === 13) {
        warnings.push('It lets another account spend your tokens (a token approval).');
      } else if (kind === 6) {
        warnings.push('It changes who controls a token account or mint.');
      } else if (kind === 9) {
        warnings.push('It closes a token account.');
      }
    } else if (MEMO_PROGRAMS.has(program)) {
      try {
        memos.push(utf8.decode(data));
      } catch {
        memos.push(`0x${Buffer.from(data).toString('hex')}`);
      }
    } else if (!KNOWN_PROGRAMS.has(program)) {
      warnings.push(`It calls program ${program}, which Idlegrid does not recognise: approve only if you trust the page that asked.`);
    }
  }
  return {
    feePayer,
    signers,
    transfers,
    programs: [...programs],
    memo: memos.length ? memos.join(' · ') : null,
    feeLamports: (LAMPORTS_PER_SIGNATURE * BigInt(numSigners)).toString(),
    warnings,
  };
}

/** A one-line purpose for a transaction summary ("Send 5 USDC to 8x…", or "Sign a transaction"). */
export function describeTransfers(transfers: readonly SigningTransfer[]): string {
  if (transfers.length === 0) return 'Sign a transaction that moves no SOL or tokens from this wallet';
  return transfers
    .map((t) => `Send ${formatAmount({ token: { symbol: t.token, decimals: t.decimals }, baseUnits: BigInt(t.amount) })} ${t.token === 'token' ? `tokens (${t.mint ?? 'unknown mint'})` : t.token} to ${t.recipient}`)
    .join('; ');
}

/** The readable text of a message for the dialog: UTF-8 when it is printable, else hex. */
export function messageText(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) return text;
  } catch {
    // not UTF-8
  }
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

/**
 * True when bytes offered for "sign a message" would also be a valid transaction message:
 * signing those would authorise a transaction the user never saw as one.
 */
export function looksLikeTransactionMessage(bytes: Uint8Array): boolean {
  try {
    const [decoded, offset] = messageDecoder.read(bytes, 0);
    return offset === bytes.length && decoded.staticAccounts.length > 0;
  } catch {
    return false;
  }
}
