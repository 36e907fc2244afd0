import { describe, expect, it } from 'vitest';
import { USDC } from '../../../common/money/token-registry';
import { formatMoney, formatSol, formatTransfer, moneyParts, shortAddress } from './wallet-format';

describe('wallet formatting', () => {
  it('shows money with a fixed number of decimals per token, its unit and sign, and keeps every digit for the hover', () => {
    expect(formatSol('2000000000')).toBe('2.0000 SOL');
    expect(formatSol('-5000', { signed: true })).toBe('> −0.0001 SOL');
    expect(formatMoney('250000000', USDC)).toBe('250.00 USDC');
    expect(formatMoney('1500001', USDC, { signed: true })).toBe('+1.50 USDC');
    expect(moneyParts('1500001', USDC, { signed: true }).exact).toBe('+1.500001 USDC');
    expect(formatMoney('0', USDC)).toBe('0.00 USDC');
    expect(formatMoney(-1234n, { symbol: 'EURT', decimals: 2 })).toBe('−12.34 EURT');
    expect(formatMoney('5', { symbol: 'NINE', decimals: 9 })).toBe('< 0.01 NINE');
    // Three 10-minute increments of 1.30 per GPU-hour: the same figure wherever it is shown.
    expect(formatMoney('650000', USDC)).toBe('0.65 USDC');
  });

  it('shortens addresses and describes transfers', () => {
    expect(shortAddress('7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU')).toBe('7xKX…gAsU');
    expect(formatTransfer({ token: 'USDC', mint: 'm', amount: '12500000', decimals: 6, recipient: 'r' })).toBe('12.5 USDC');
    expect(formatTransfer({ token: 'token', mint: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', amount: '3', decimals: 0, recipient: 'r' })).toBe('3 tokens of 7xKX…gAsU');
  });
});
