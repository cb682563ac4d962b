import { useState } from 'preact/hooks';
import type { Problem } from '../api-types.js';
import { useSession } from '../lib/session.js';
import { ProblemAlert, toProblem } from './problem-alert.js';

/** Sign in with an API token (kept in this tab only), or show who is signed in. */
export function SignIn() {
  const session = useSession();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  if (session.me) {
    return (
      <div class="session">
        <span>
          Signed in as <strong>{session.me.subject}</strong> ({session.me.role})
        </span>
        <button type="button" class="secondary" onClick={session.signOut}>
          Sign out
        </button>
      </div>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await session.signIn(token.trim());
      setToken('');
    } catch (err) {
      setProblem(toProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="sign-in" onSubmit={(e) => void submit(e)} aria-label="Sign in">
      <label for="token">API token</label>
      <input
        id="token"
        name="token"
        type="password"
        autocomplete="off"
        required
        value={token}
        onInput={(e) => setToken(e.currentTarget.value)}
      />
      <button type="submit" disabled={busy || session.checking}>
        Sign in
      </button>
      <ProblemAlert problem={problem} />
    </form>
  );
}
