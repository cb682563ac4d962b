import type { Problem } from './api-types.js';

/** Exit codes (SPEC §12): 0 done; 1 refused or failed; 2 bad usage; 3 unreachable or 5xx. */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every error the CLI reports carries its exit code and the lines it prints on stderr. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;
  /** the lines printed on stderr */
  lines(): string[] {
    return [this.message];
  }
}

/** Bad usage: an invalid option value, an unreadable or malformed input file. */
export class UsageError extends CliError {
  readonly exitCode = EXIT.usage;
}

/** The service answered 4xx: it refused the request. */
export class RefusedError extends CliError {
  readonly exitCode = EXIT.refused;
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly hint?: string,
  ) {
    const title = problem.title ?? `HTTP ${status}`;
    super(problem.detail ? `${title}: ${problem.detail}` : title);
  }
  override lines(): string[] {
    const out = [`Error: ${this.problem.title ?? `HTTP ${this.status}`} (${this.status})`];
    if (this.problem.detail) out.push(this.problem.detail);
    for (const e of this.problem.errors ?? []) {
      const line = `${e.path}: ${e.message}`;
      if (!this.problem.detail?.includes(line)) out.push(`  ${line}`);
    }
    if (this.hint) out.push(this.hint);
    return out;
  }
}

/** Something ran to its end and did not succeed: a failed gate, a partly refused import. */
export class FailedError extends CliError {
  readonly exitCode = EXIT.refused;
}

/** No answer (connection refused, timeout), a 5xx, or a wait that passed its deadline. */
export class UnavailableError extends CliError {
  readonly exitCode = EXIT.unavailable;
}
