import { useCallback, useEffect, useRef } from 'preact/hooks';

/**
 * Runs `tick` now and then every `intervalMs` after the previous run ended, while the tab is
 * visible, until the component unmounts or `deps` change. Returns a function that runs it at once
 * (after a change the page made itself). `tick` gets a signal that says whether it is still wanted.
 */
export function usePolling(
  tick: (active: () => boolean) => Promise<void>,
  intervalMs: number,
  deps: readonly unknown[],
): () => void {
  const runNow = useRef<() => void>(() => undefined);

  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let running = false;
    let again = false;
    const active = () => alive;

    const run = async () => {
      if (!alive) return;
      if (running) {
        again = true;
        return;
      }
      clearTimeout(timer);
      running = true;
      try {
        await tick(active);
      } catch {
        // tick shows its own errors; polling goes on
      } finally {
        running = false;
      }
      if (!alive) return;
      if (again) {
        again = false;
        void run();
      } else if (!document.hidden) {
        timer = setTimeout(() => void run(), intervalMs);
      }
    };
    const onVisibility = () => {
      if (!document.hidden) void run();
    };
    runNow.current = () => void run();
    document.addEventListener('visibilitychange', onVisibility);
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, deps);

  return useCallback(() => runNow.current(), []);
}
