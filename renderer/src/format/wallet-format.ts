import { formatTokenAmount } from '../../../common/wallet/token-amount';
import type { SigningTransfer } from '../../../common/wallet/wallet-types';

/** "7xKX…gAsU": enough to recognise an address, with the full one in a tooltip. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

export function formatSol(lamports: string | bigint, options: { signed?: boolean } = {}): string {
  return `${signed(BigInt(lamports), options.signed)}${formatTokenAmount(abs(BigInt(lamports)), 9)} SOL`;
}

export function formatUsdc(baseUnits: string | bigint, decimals = 6, options: { signed?: boolean } = {}): string {
  return `${signed(BigInt(baseUnits), options.signed)}${formatTokenAmount(abs(BigInt(baseUnits)), decimals, { minFractionDigits: 2 })} USDC`;
}

/** One transfer of a signing request: "12.5 USDC", "0.25 SOL", "3 tokens of Abc…xyz". */
export function formatTransfer(transfer: SigningTransfer): string {
  const amount = formatTokenAmount(BigInt(transfer.amount), transfer.decimals);
  if (transfer.token === 'token') return `${amount} tokens of ${transfer.mint ? shortAddress(transfer.mint) : 'an unknown mint'}`;
  return `${amount} ${transfer.token}`;
}

function signed(value: bigint, show?: boolean): string {
  if (value < 0n) return '−';
  return show && value > 0n ? '+' : '';
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
