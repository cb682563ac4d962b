import { InvalidArgumentError } from 'commander';

/** --if-match: a connector version as `5`, `v5` or `"v5"` (the ETag); sent as If-Match: "v5". */
export function parseVersion(value: string): number {
  const m = /^\s*(?:W\/)?"?v?(\d{1,15})"?\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('a connector version, e.g. 5 (as in ETag "v5")');
  return Number(m[1]);
}

/** A number ≥ 0; decimals allowed (days, seconds). */
export function parseNonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('a number ≥ 0');
  }
  return n;
}

/** A number > 0; decimals allowed. */
export function parsePositive(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('a number > 0');
  }
  return n;
}

/** An integer within [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`an integer from ${min} to ${max}`);
    }
    return Number(value);
  };
}

/** For options given several times (--maintainer a --maintainer b). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** For repeatable options with fixed values: checks each value, then collects it. */
export function collectOneOf(
  choices: readonly string[],
): (value: string, previous?: string[]) => string[] {
  return (value, previous = []) => {
    if (!choices.includes(value)) {
      throw new InvalidArgumentError(`Allowed choices are ${choices.join(', ')}.`);
    }
    return [...previous, value];
  };
}
