import { tokenExpiry } from './jwt';

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds after which the ID token must not be sent. */
  expiresAt: number;
}

/** Turns a token answer into a session; the earlier of `ExpiresIn` and the ID token's `exp` wins. */
export function makeTokens(
  idToken: string,
  accessToken: string,
  expiresInSeconds: number | undefined,
  refreshToken: string | undefined,
  now: number,
): Tokens {
  const fromAnswer = now + (expiresInSeconds ?? 3600) * 1000;
  const fromToken = tokenExpiry(idToken);
  return {
    idToken,
    accessToken,
    refreshToken,
    expiresAt: fromToken !== null ? Math.min(fromAnswer, fromToken) : fromAnswer,
  };
}

/** What the session manager needs from an identity provider to keep a session alive. */
export interface TokenRefresher {
  refresh(refreshToken: string): Promise<Tokens>;
  /** Makes the refresh token (and the tokens issued from it) useless at Cognito. */
  revoke?(refreshToken: string): Promise<void>;
}
