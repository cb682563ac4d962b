import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from '../../../src/http/deadline.js';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles as the promise does and leaves no timer behind', async () => {
    expect(await withDeadline(Promise.resolve(7), 2_000)).toBe(7);
    await expect(withDeadline(Promise.reject(new Error('refused')), 2_000)).rejects.toThrow(
      'refused',
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects once the time has passed when the promise never settles', async () => {
    const late = withDeadline(new Promise<never>(() => {}), 2_000);
    const rejected = expect(late).rejects.toThrow('timed out after 2 s');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await rejected;
    expect(vi.getTimerCount()).toBe(0);
  });
});
