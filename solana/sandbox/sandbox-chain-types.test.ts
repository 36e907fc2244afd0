import { describe, expect, it } from 'vitest';
import { reaches } from './sandbox-chain-types';

describe('reaches', () => {
  it('orders commitments processed < confirmed < finalized, each reaching itself', () => {
    expect(reaches('finalized', 'confirmed')).toBe(true);
    expect(reaches('confirmed', 'confirmed')).toBe(true);
    expect(reaches('confirmed', 'finalized')).toBe(false);
    expect(reaches('processed', 'confirmed')).toBe(false);
    expect(reaches('processed', 'processed')).toBe(true);
  });
});
