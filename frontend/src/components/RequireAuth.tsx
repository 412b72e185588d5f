import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { session, lastSignOutReason } = useAuth();
  const location = useLocation();
  if (!session) {
    // After an expired session, come back to the same page; a deliberate sign-out starts afresh.
    const state = lastSignOutReason === 'user' ? undefined : { from: `${location.pathname}${location.search}` };
    return <Navigate to="/signin" replace state={state} />;
  }
  return <>{children}</>;
}
