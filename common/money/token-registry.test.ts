import { describe, expect, it } from 'vitest';
import { defineToken } from './token';
import { PAYMENT_TOKEN, TOKENS, TokenRegistry, USDC } from './token-registry';

describe('token registry', () => {
  it('knows USDC: 6 decimals, Circle’s mints on the public clusters, the named mint elsewhere', () => {
    expect(TOKENS.get('USDC')).toBe(USDC);
    expect(PAYMENT_TOKEN).toBe(USDC);
    expect(USDC.decimals).toBe(6);
    expect(USDC.mint({ kind: 'mainnet' })).toBe('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v');
    expect(USDC.mint({ kind: 'devnet', namedMints: { USDC: 'ignored' } })).toBe('4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU');
    expect(USDC.mint({ kind: 'sandbox' })).toBeNull();
    expect(USDC.mint({ kind: 'sandbox', namedMints: { USDC: 'SandboxMint1111' } })).toBe('SandboxMint1111');
    expect(USDC.mint({ kind: 'custom', namedMints: { EURC: 'OtherMint' } })).toBeNull();
  });

  it('takes a second stablecoin as one entry, and finds tokens by mint', () => {
    const eurt = defineToken({ symbol: 'EURT', name: 'Test euro', decimals: 2, fixedMints: { devnet: 'EurtDevnetMint' } });
    const registry = new TokenRegistry([USDC]).register(eurt);
    expect(registry.symbols()).toEqual(['USDC', 'EURT']);
    expect(registry.get('EURT').decimals).toBe(2);
    expect(registry.byMint({ kind: 'devnet' }, 'EurtDevnetMint')).toBe(eurt);
    const sandbox = { kind: 'sandbox' as const, namedMints: { USDC: 'UsdcHere', EURT: 'EurtHere' } };
    expect(registry.byMint(sandbox, 'EurtHere')).toBe(eurt);
    expect(registry.byMint(sandbox, 'UsdcHere')).toBe(USDC);
    expect(registry.byMint(sandbox, 'Nothing')).toBeUndefined();
    expect(TOKENS.find('EURT')).toBeUndefined();
  });

  it('refuses unknown symbols, duplicates and bad definitions in plain words', () => {
    expect(() => TOKENS.get('DOGE')).toThrow('Unknown token "DOGE": this app pays in USDC.');
    expect(() => new TokenRegistry([USDC, USDC])).toThrow('Token USDC is registered already.');
    expect(() => defineToken({ symbol: 'usd', name: 'x', decimals: 6, fixedMints: {} })).toThrow(/symbol "usd" is not valid/);
    expect(() => defineToken({ symbol: 'BAD', name: 'x', decimals: 6.5, fixedMints: {} })).toThrow(/whole number of decimals from 0 to 18, got 6.5/);
    expect(() => defineToken({ symbol: 'BAD', name: 'x', decimals: -1, fixedMints: {} })).toThrow(/got -1/);
  });
});
