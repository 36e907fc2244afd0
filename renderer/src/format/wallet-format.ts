import { formatAmount } from '../../../common/money/amount-text';
import { SOL } from '../../../common/money/token';
import type { TokenUnit } from '../../../common/money/token';
import type { SigningTransfer } from '../../../common/wallet/wallet-types';

/** "7xKX…gAsU": enough to recognise an address, with the full one in a tooltip. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

export function formatSol(lamports: string | bigint, options: { signed?: boolean } = {}): string {
  return formatAmount({ token: SOL, baseUnits: BigInt(lamports) }, { sign: options.signed ? 'explicit' : 'typographic', symbol: true });
}

/** An amount of a payment token as the UI shows money: "250.00 USDC", "+1.500001 USDC". */
export function formatMoney(baseUnits: string | bigint, token: TokenUnit, options: { signed?: boolean } = {}): string {
  return formatAmount({ token, baseUnits: BigInt(baseUnits) }, { minFractionDigits: 2, sign: options.signed ? 'explicit' : 'typographic', symbol: true });
}

/** One transfer of a signing request: "12.5 USDC", "0.25 SOL", "3 tokens of Abc…xyz". */
export function formatTransfer(transfer: SigningTransfer): string {
  const amount = formatAmount({ token: { symbol: transfer.token, decimals: transfer.decimals }, baseUnits: BigInt(transfer.amount) });
  if (transfer.token === 'token') return `${amount} tokens of ${transfer.mint ? shortAddress(transfer.mint) : 'an unknown mint'}`;
  return `${amount} ${transfer.token}`;
}
