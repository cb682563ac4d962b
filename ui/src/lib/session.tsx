import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { hasRole, type Role, type WhoAmI } from '../api-types.js';
import { ApiError, request } from './api-client.js';

/** The token lives in this tab's sessionStorage only: it goes when the tab closes. */
const STORAGE_KEY = 'connector-lifecycle.token';

export interface Session {
  token: string | null;
  /** who the token is; null when signed out (or while the stored token is being checked) */
  me: WhoAmI | null;
  checking: boolean;
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
  /** whether the signed-in token has at least this role */
  can: (role: Role) => boolean;
}

const SessionContext = createContext<Session | null>(null);

function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [token, setToken] = useState<string | null>(storedToken);
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [checking, setChecking] = useState(token !== null);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setToken(null);
    setMe(null);
  }, []);

  const signIn = useCallback(async (candidate: string) => {
    const who = await request<WhoAmI>('/v1/whoami', { token: candidate });
    sessionStorage.setItem(STORAGE_KEY, candidate);
    setToken(candidate);
    setMe(who);
  }, []);

  // A token kept from earlier in this tab is checked once (it may have been revoked since).
  useEffect(() => {
    const kept = storedToken();
    if (!kept) return;
    request<WhoAmI>('/v1/whoami', { token: kept })
      .then(setMe)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) signOut();
      })
      .finally(() => setChecking(false));
  }, [signOut]);

  const value = useMemo<Session>(
    () => ({
      token: me ? token : null,
      me,
      checking,
      signIn,
      signOut,
      can: (role) => me !== null && hasRole(me, role),
    }),
    [token, me, checking, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
