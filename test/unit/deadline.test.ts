import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from '../../src/deadline.js';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  /** The timer withDeadline set (the only 2-s one), and whether it was cleared. */
  function deadlineTimer(set: { mock: { calls: unknown[][]; results: { value: unknown }[] } }) {
    const index = set.mock.calls.findIndex((call) => call[1] === 2_000);
    expect(index).toBeGreaterThanOrEqual(0);
    return set.mock.results[index]!.value;
  }

  it('settles as the promise does and clears its timer', async () => {
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    expect(await withDeadline(Promise.resolve(7), 2_000)).toBe(7);
    expect(clear).toHaveBeenCalledWith(deadlineTimer(set));

    set.mockClear();
    clear.mockClear();
    await expect(withDeadline(Promise.reject(new Error('refused')), 2_000)).rejects.toThrow(
      'refused',
    );
    expect(clear).toHaveBeenCalledWith(deadlineTimer(set));
  });

  it('rejects once the time has passed when the promise never settles, not before', async () => {
    let settled = false;
    const late = withDeadline(new Promise<never>(() => {}), 2_000).finally(() => {
      settled = true;
    });
    const rejected = expect(late).rejects.toThrow('timed out after 2 s');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await rejected;
    expect(settled).toBe(true);
  });
});
