import { describe, expect, it } from 'vitest';
import { RefusedError, UnavailableError } from '../../../cli/cli-errors.js';
import { pollUntil, WaitTimeoutError } from '../../../cli/wait/poll.js';

/** A fake clock: sleeping advances it, nothing really waits. */
function clock() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
    slept,
  };
}

describe('pollUntil', () => {
  it('polls with a growing interval until a value comes', async () => {
    const c = clock();
    let calls = 0;
    const value = await pollUntil(() => Promise.resolve(++calls === 5 ? 'done' : undefined), {
      timeoutMs: 60_000,
      what: 'x',
      ...c,
    });
    expect(value).toBe('done');
    expect(c.slept).toEqual([250, 500, 1000, 2000]);
  });

  it('gives up at the deadline with exit code 3', async () => {
    const c = clock();
    const err = await pollUntil(() => Promise.resolve(undefined), {
      timeoutMs: 5_000,
      what: 'the gate',
      ...c,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).exitCode).toBe(3);
    expect((err as Error).message).toContain('Gave up waiting for the gate after 5s');
    expect(c.now()).toBe(5_000);
  });

  it('waits out outages and 429s; a refusal ends the wait at once', async () => {
    const c = clock();
    const seen: string[] = [];
    const answers: (() => string | undefined)[] = [
      () => {
        throw new UnavailableError('down');
      },
      () => {
        throw new RefusedError(429, { title: 'Too many requests' });
      },
      () => 'ok',
    ];
    const value = await pollUntil(() => Promise.resolve().then(answers.shift()), {
      timeoutMs: 60_000,
      what: 'x',
      onTransientError: (e) => seen.push(e.message),
      ...c,
    });
    expect(value).toBe('ok');
    expect(seen).toEqual(['down', 'Too many requests']);

    const refused = pollUntil(
      () => Promise.reject(new RefusedError(404, { title: 'Not found', detail: 'gone' })),
      { timeoutMs: 60_000, what: 'x', ...c },
    );
    await expect(refused).rejects.toBeInstanceOf(RefusedError);
  });
});
