import { describe, expect, it } from 'vitest';
import { USDC } from '../../../common/money/token-registry';
import { formatMoney, formatSol, formatTransfer, shortAddress } from './wallet-format';

describe('wallet formatting', () => {
  it('shows money exactly, with its unit and sign', () => {
    expect(formatSol('2000000000')).toBe('2 SOL');
    expect(formatSol('-5000', { signed: true })).toBe('−0.000005 SOL');
    expect(formatMoney('250000000', USDC)).toBe('250.00 USDC');
    expect(formatMoney('1500001', USDC, { signed: true })).toBe('+1.500001 USDC');
    expect(formatMoney('0', USDC)).toBe('0.00 USDC');
    expect(formatMoney(-1234n, { symbol: 'EURT', decimals: 2 })).toBe('−12.34 EURT');
    expect(formatMoney('5', { symbol: 'NINE', decimals: 9 })).toBe('0.000000005 NINE');
  });

  it('shortens addresses and describes transfers', () => {
    expect(shortAddress('7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU')).toBe('7xKX…gAsU');
    expect(formatTransfer({ token: 'USDC', mint: 'm', amount: '12500000', decimals: 6, recipient: 'r' })).toBe('12.5 USDC');
    expect(formatTransfer({ token: 'token', mint: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', amount: '3', decimals: 0, recipient: 'r' })).toBe('3 tokens of 7xKX…gAsU');
  });
});
