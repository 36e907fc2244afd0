import { describe, expect, it } from 'vitest';
import { formatPaymentMemo, formatRefundMemo, hubIdOf, looksLikeIdlegridMemo, parsePaymentMemo, parseRefundMemo } from './payment-memo';

describe('payment memo idlegrid:<hub>:<lease>:<increment>', () => {
  it('formats and parses back, naming the hub', () => {
    const memo = formatPaymentMemo('127.0.0.1_7070', 'lease_7f3A-9', 12);
    expect(memo).toBe('idlegrid:127.0.0.1_7070:lease_7f3A-9:12');
    expect(parsePaymentMemo(memo)).toEqual({ hubId: '127.0.0.1_7070', leaseId: 'lease_7f3A-9', increment: 12 });
  });

  it('derives one hub id from the sign-in domain, whoever derives it', () => {
    expect(hubIdOf('127.0.0.1:7070')).toBe('127.0.0.1_7070');
    expect(hubIdOf('Grid.Example.org')).toBe('grid.example.org');
    expect(hubIdOf('[::1]:7070')).toBe('___1__7070');
    expect(hubIdOf('')).toBe('hub');
  });

  it('refuses hub ids, lease ids and increments that would make the memo ambiguous', () => {
    expect(() => formatPaymentMemo('a:b', 'lease', 1)).toThrow(/Hub id/);
    expect(() => formatPaymentMemo('hub', 'a:b', 1)).toThrow(/not valid/);
    expect(() => formatPaymentMemo('hub', '', 1)).toThrow(/not valid/);
    expect(() => formatPaymentMemo('hub', 'x'.repeat(65), 1)).toThrow(/not valid/);
    expect(() => formatPaymentMemo('hub', 'lease', -1)).toThrow(/whole number/);
    expect(() => formatPaymentMemo('hub', 'lease', 1.5)).toThrow(/whole number/);
  });

  it('does not read other memos as payments, nor a refund as a payment', () => {
    for (const memo of ['idlegrid:lease:1', 'idlegrid:h:lease:01', 'idlegrid:h:lease:1:2', 'other:h:lease:1', 'idlegrid:h:le ase:1', 'idlegrid:h:lease:-1', 'idlegrid:h:lease:99999999999', formatRefundMemo('h', 'lease', 1)]) {
      expect(parsePaymentMemo(memo), memo).toBeNull();
    }
    expect(parseRefundMemo(formatRefundMemo('h', 'lease', 1))).toEqual({ hubId: 'h', leaseId: 'lease', increment: 1 });
    expect(looksLikeIdlegridMemo('idlegrid:anything')).toBe(true);
    expect(looksLikeIdlegridMemo('hello')).toBe(false);
  });
});
