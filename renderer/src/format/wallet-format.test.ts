import { describe, expect, it } from 'vitest';
import { formatSol, formatTransfer, formatUsdc, shortAddress } from './wallet-format';

describe('wallet formatting', () => {
  it('shows money exactly, with its unit and sign', () => {
    expect(formatSol('2000000000')).toBe('2 SOL');
    expect(formatSol('-5000', { signed: true })).toBe('−0.000005 SOL');
    expect(formatUsdc('250000000')).toBe('250.00 USDC');
    expect(formatUsdc('1500001', 6, { signed: true })).toBe('+1.500001 USDC');
    expect(formatUsdc('0')).toBe('0.00 USDC');
  });

  it('shortens addresses and describes transfers', () => {
    expect(shortAddress('7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU')).toBe('7xKX…gAsU');
    expect(formatTransfer({ token: 'USDC', mint: 'm', amount: '12500000', decimals: 6, recipient: 'r' })).toBe('12.5 USDC');
    expect(formatTransfer({ token: 'token', mint: '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU', amount: '3', decimals: 0, recipient: 'r' })).toBe('3 tokens of 7xKX…gAsU');
  });
});
