import { getAddressDecoder } from '@solana/kit';
import type { Address } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { formatAmount } from '../../common/money/amount-text';

/**
 * Just enough of the SPL Token account layouts to report token balances the way an RPC
 * node does (pre/post token balances, getTokenAccountBalance). Token-2022 shares the
 * base layouts and marks extended accounts with an account-type byte at offset 165.
 */
export const TOKEN_2022_PROGRAM_ADDRESS = 'TokenzQdBNbLqP7VEhdkAS6EPFLC1PHnBqCXEpPxuEb' as Address;

const MINT_SIZE = 82;
const ACCOUNT_SIZE = 165;
const ACCOUNT_TYPE_OFFSET = 165;
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

const addressDecoder = getAddressDecoder();

export function isTokenProgram(owner: string): boolean {
  return owner === TOKEN_PROGRAM_ADDRESS || owner === TOKEN_2022_PROGRAM_ADDRESS;
}

export interface TokenAccountState {
  mint: Address;
  owner: Address;
  amount: bigint;
}

/** The mint, owner and amount of an initialized token account, or null for anything else. */
export function readTokenAccount(programOwner: string, data: Uint8Array): TokenAccountState | null {
  if (!isTokenProgram(programOwner)) return null;
  const isAccount =
    data.length === ACCOUNT_SIZE ||
    (programOwner === TOKEN_2022_PROGRAM_ADDRESS && data.length > ACCOUNT_SIZE && data[ACCOUNT_TYPE_OFFSET] === ACCOUNT_TYPE_ACCOUNT);
  if (!isAccount) return null;
  const state = data[108];
  if (state !== 1 && state !== 2) return null; // uninitialized
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return {
    mint: addressDecoder.decode(data.subarray(0, 32)),
    owner: addressDecoder.decode(data.subarray(32, 64)),
    amount: view.getBigUint64(64, true),
  };
}

/** The decimals of an initialized mint, or null when the data is not a mint. */
export function readMintDecimals(programOwner: string, data: Uint8Array): number | null {
  if (!isTokenProgram(programOwner)) return null;
  const isMint =
    data.length === MINT_SIZE ||
    (programOwner === TOKEN_2022_PROGRAM_ADDRESS && data.length > ACCOUNT_SIZE && data[ACCOUNT_TYPE_OFFSET] === ACCOUNT_TYPE_MINT);
  if (!isMint || data[45] !== 1) return null; // is_initialized
  return data[44] ?? null;
}

/** The `uiTokenAmount` object of RPC token balances. uiAmount is a float only because RPC nodes send one. */
export function uiTokenAmount(amount: bigint, decimals: number) {
  const uiAmountString = formatAmount({ token: { symbol: '', decimals }, baseUnits: amount }, { grouping: false });
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}
