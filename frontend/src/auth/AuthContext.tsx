import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { RuntimeConfig } from '../config';
import { CognitoPasswordAuth } from './cognito';
import { HostedUiAuth } from './hosted';
import { canDelete, canWrite, type Role } from './roles';
import { SessionManager, type Session, type SignOutReason } from './session';

export interface AuthValue {
  mode: RuntimeConfig['authMode'];
  session: Session | null;
  role: Role | null;
  canWrite: boolean;
  canDelete: boolean;
  lastSignOutReason: SignOutReason | null;
  signInWithPassword(username: string, password: string): Promise<void>;
  beginHostedSignIn(returnTo: string): Promise<void>;
  completeHostedSignIn(search: string): Promise<string>;
  signOut(): void;
}

const AuthContext = createContext<AuthValue | null>(null);

export interface AuthServices {
  manager: SessionManager;
  password: CognitoPasswordAuth | null;
  hosted: HostedUiAuth | null;
}

/** Builds the identity-provider clients and the session manager for the configured auth mode. */
export function createAuthServices(config: RuntimeConfig): AuthServices {
  if (config.authMode === 'hosted') {
    const hosted = new HostedUiAuth(config.hostedUiDomain ?? '', config.clientId);
    return { manager: new SessionManager(hosted), password: null, hosted };
  }
  const password = new CognitoPasswordAuth(config.cognitoEndpoint ?? '', config.clientId);
  return { manager: new SessionManager(password), password, hosted: null };
}

export function AuthProvider({
  services,
  mode,
  children,
}: {
  services: AuthServices;
  mode: RuntimeConfig['authMode'];
  children: ReactNode;
}) {
  const { manager, password, hosted } = services;
  const session = useSyncExternalStore(manager.subscribe, manager.getSession);

  const signInWithPassword = useCallback(
    async (username: string, pass: string) => {
      if (!password) throw new Error('Password sign-in is not enabled for this deployment.');
      manager.setTokens(await password.signIn(username, pass));
    },
    [manager, password],
  );

  const beginHostedSignIn = useCallback(
    async (returnTo: string) => {
      if (!hosted) throw new Error('Hosted sign-in is not enabled for this deployment.');
      window.location.assign(await hosted.authorizeUrl(returnTo));
    },
    [hosted],
  );

  const completeHostedSignIn = useCallback(
    async (search: string) => {
      if (!hosted) throw new Error('Hosted sign-in is not enabled for this deployment.');
      const { tokens, returnTo } = await hosted.completeSignIn(search);
      manager.setTokens(tokens);
      return returnTo;
    },
    [hosted, manager],
  );

  const signOut = useCallback(() => {
    // revoke the refresh token first: leaving the page for the hosted UI's logout would cancel the request
    void manager.signOutAndRevoke().finally(() => {
      if (hosted) {
        window.location.assign(hosted.logoutUrl());
      }
    });
  }, [hosted, manager]);

  const value = useMemo<AuthValue>(() => {
    const role = session?.role ?? null;
    return {
      mode,
      session,
      role,
      canWrite: canWrite(role),
      canDelete: canDelete(role),
      lastSignOutReason: manager.lastSignOutReason,
      signInWithPassword,
      beginHostedSignIn,
      completeHostedSignIn,
      signOut,
    };
  }, [mode, session, manager, signInWithPassword, beginHostedSignIn, completeHostedSignIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
