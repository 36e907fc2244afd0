import { formatAmount } from '../../../common/money/amount-text';
import { displayAmount } from '../../../common/money/display-amount';
import type { DisplayAmount } from '../../../common/money/display-amount';
import { SOL } from '../../../common/money/token';
import type { TokenUnit } from '../../../common/money/token';
import type { SigningTransfer } from '../../../common/wallet/wallet-types';

/** "7xKX…gAsU": enough to recognise an address, with the full one in a tooltip. */
export function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}

/** SOL as the UI shows it: "2.0000 SOL", "< 0.0001 SOL" (every digit: `moneyParts(…, SOL).exact`). */
export function formatSol(lamports: string | bigint, options: { signed?: boolean } = {}): string {
  return displayAmount({ token: SOL, baseUnits: BigInt(lamports) }, options).text;
}

/**
 * An amount of a payment token as every screen shows money: the token's fixed display
 * decimals ("250.00 USDC", "+1.50 USDC"). Where the rounding hides digits, show the exact
 * amount on hover: the `Money` component does both.
 */
export function formatMoney(baseUnits: string | bigint, token: TokenUnit, options: { signed?: boolean } = {}): string {
  return displayAmount({ token, baseUnits: BigInt(baseUnits) }, options).text;
}

/** The display text and the exact amount ("0.22 USDC" / "0.216667 USDC"). */
export function moneyParts(baseUnits: string | bigint, token: TokenUnit, options: { signed?: boolean } = {}): DisplayAmount {
  return displayAmount({ token, baseUnits: BigInt(baseUnits) }, options);
}

/** One transfer of a signing request: "12.5 USDC", "0.25 SOL", "3 tokens of Abc…xyz". */
export function formatTransfer(transfer: SigningTransfer): string {
  const amount = formatAmount({ token: { symbol: transfer.token, decimals: transfer.decimals }, baseUnits: BigInt(transfer.amount) });
  if (transfer.token === 'token') return `${amount} tokens of ${transfer.mint ? shortAddress(transfer.mint) : 'an unknown mint'}`;
  return `${amount} ${transfer.token}`;
}
