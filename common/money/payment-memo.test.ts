import { describe, expect, it } from 'vitest';
import { formatPaymentMemo, parsePaymentMemo } from './payment-memo';

describe('payment memo idlegrid:<lease>:<increment>', () => {
  it('formats and parses back', () => {
    const memo = formatPaymentMemo('lease_7f3A-9', 12);
    expect(memo).toBe('idlegrid:lease_7f3A-9:12');
    expect(parsePaymentMemo(memo)).toEqual({ leaseId: 'lease_7f3A-9', increment: 12 });
  });

  it('refuses lease ids and increments that would make the memo ambiguous', () => {
    expect(() => formatPaymentMemo('a:b', 1)).toThrow(/not valid/);
    expect(() => formatPaymentMemo('', 1)).toThrow(/not valid/);
    expect(() => formatPaymentMemo('x'.repeat(65), 1)).toThrow(/not valid/);
    expect(() => formatPaymentMemo('lease', -1)).toThrow(/whole number/);
    expect(() => formatPaymentMemo('lease', 1.5)).toThrow(/whole number/);
  });

  it('does not read other memos as payments', () => {
    for (const memo of ['idlegrid:lease', 'idlegrid:lease:01', 'idlegrid:lease:1:2', 'other:lease:1', 'idlegrid:le ase:1', 'idlegrid:lease:-1', 'idlegrid:lease:99999999999']) {
      expect(parsePaymentMemo(memo), memo).toBeNull();
    }
  });
});
