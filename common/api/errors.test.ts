import { describe, expect, it } from 'vitest';
import { ApiError, isApiErrorShape } from './errors';

describe('ApiError', () => {
  it('keeps its reason through the wire shape and back', () => {
    const shape = JSON.parse(JSON.stringify(new ApiError('conflict', 'The GPU is busy.', 'gpu_busy').toShape())) as unknown;
    expect(shape).toEqual({ code: 'conflict', message: 'The GPU is busy.', reason: 'gpu_busy' });
    expect(isApiErrorShape(shape)).toBe(true);
    const back = ApiError.fromShape(shape as never);
    expect([back.code, back.message, back.reason]).toEqual(['conflict', 'The GPU is busy.', 'gpu_busy']);
  });

  it('has no reason key when a refusal has none, and refuses a reason that is not text', () => {
    expect(new ApiError('internal', 'x').toShape()).toEqual({ code: 'internal', message: 'x' });
    expect(isApiErrorShape({ code: 'internal', message: 'x', reason: 42 })).toBe(false);
  });
});
