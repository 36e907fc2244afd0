import { describe, expect, it } from 'vitest';
import { LEASE_END_REASONS, LEASE_STATES } from '../../common/hub/lease-types';
import { assertTransition, canTransition, LeaseTransitionError } from './lease-state-machine';

describe('lease state machine', () => {
  it('allows exactly the documented transitions', () => {
    const allowed: string[] = [];
    for (const from of LEASE_STATES) {
      for (const to of LEASE_STATES) {
        for (const reason of [null, ...LEASE_END_REASONS]) if (canTransition(from, to, reason)) allowed.push(`${from}->${to}${reason ? `(${reason})` : ''}`);
      }
    }
    expect(allowed).toEqual([
      'reserved->paid',
      'reserved->ended(terminated)',
      'reserved->ended(unpaid)',
      'reserved->ended(supplier-lost)',
      'reserved->ended(failed)',
      'paid->starting',
      ...LEASE_END_REASONS.map((r) => `paid->ended(${r})`),
      'starting->running',
      ...LEASE_END_REASONS.map((r) => `starting->ended(${r})`),
      ...LEASE_END_REASONS.map((r) => `running->ended(${r})`),
    ]);
  });

  it('refuses skipping states, going back, a reservation that "completes", and anything after the end', () => {
    expect(() => assertTransition('reserved', 'running', null)).toThrow(LeaseTransitionError);
    expect(() => assertTransition('running', 'paid', null)).toThrow(/cannot go from running to paid/);
    expect(() => assertTransition('reserved', 'ended', 'completed')).toThrow(/completed/);
    expect(() => assertTransition('running', 'ended', null)).toThrow();
    expect(() => assertTransition('ended', 'running', null)).toThrow();
    expect(() => assertTransition('paid', 'starting', 'failed')).toThrow();
  });
});
