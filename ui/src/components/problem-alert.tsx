import type { Problem } from '../api-types.js';
import { ApiError } from '../lib/api-client.js';

/** Whatever went wrong, as a problem (RFC 9457) the page can show. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ApiError) return err.problem;
  return {
    type: 'about:blank',
    title: 'Something went wrong',
    status: 0,
    detail: err instanceof Error ? err.message : String(err),
  };
}

/** An error as the API explained it: its title and detail, and the fields at fault. */
export function ProblemAlert({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert">
      <p class="problem-title">
        {problem.title}
        {problem.status ? ` (${problem.status})` : ''}
      </p>
      <p>{problem.detail}</p>
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.path}>
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
