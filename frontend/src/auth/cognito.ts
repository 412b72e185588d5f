/** Cognito user-pool sign-in with USER_PASSWORD_AUTH, spoken directly over fetch (authMode "local"). */
import { makeTokens, type TokenRefresher, type Tokens } from './tokens';

export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

interface AuthenticationResult {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
}

interface InitiateAuthAnswer {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
}

const FRIENDLY_MESSAGES: Record<string, string> = {
  NotAuthorizedException: 'Incorrect username or password.',
  UserNotFoundException: 'Incorrect username or password.',
  UserNotConfirmedException: 'This account is not confirmed yet. Ask an administrator to confirm it.',
  PasswordResetRequiredException: 'This account must reset its password before it can sign in.',
  TooManyRequestsException: 'Too many sign-in attempts. Wait a moment and try again.',
  LimitExceededException: 'Too many sign-in attempts. Wait a moment and try again.',
  InvalidParameterException: 'Enter both a username and a password.',
};

function errorCode(rawType: unknown): string {
  // Cognito answers "__type": "com.amazonaws...#NotAuthorizedException" or just the short name.
  const text = typeof rawType === 'string' ? rawType : 'UnknownError';
  return text.includes('#') ? text.slice(text.lastIndexOf('#') + 1) : text;
}

export class CognitoPasswordAuth implements TokenRefresher {
  constructor(
    private readonly endpoint: string,
    private readonly clientId: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly now: () => number = Date.now,
  ) {}

  async signIn(username: string, password: string): Promise<Tokens> {
    const answer = await this.initiateAuth('USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password });
    return this.toTokens(answer, undefined);
  }

  async refresh(refreshToken: string): Promise<Tokens> {
    const answer = await this.initiateAuth('REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: refreshToken });
    // A refresh answer carries no new refresh token: keep the one we have.
    return this.toTokens(answer, refreshToken);
  }

  /** RevokeToken: the refresh token and the access tokens issued with it stop working. */
  async revoke(refreshToken: string): Promise<void> {
    await this.call('RevokeToken', { Token: refreshToken, ClientId: this.clientId });
  }

  private toTokens(answer: InitiateAuthAnswer, previousRefreshToken: string | undefined): Tokens {
    if (answer.ChallengeName) {
      const message =
        answer.ChallengeName === 'NEW_PASSWORD_REQUIRED'
          ? 'This account must set a new password before it can sign in.'
          : `Sign-in needs an extra step (${answer.ChallengeName}) that this app does not support.`;
      throw new AuthError(message, answer.ChallengeName);
    }
    const result = answer.AuthenticationResult;
    if (!result?.IdToken || !result.AccessToken) {
      throw new AuthError('The sign-in service answered without tokens.', 'InvalidResponse');
    }
    return makeTokens(
      result.IdToken,
      result.AccessToken,
      result.ExpiresIn,
      result.RefreshToken ?? previousRefreshToken,
      this.now(),
    );
  }

  private initiateAuth(flow: string, parameters: Record<string, string>): Promise<InitiateAuthAnswer> {
    return this.call('InitiateAuth', { AuthFlow: flow, ClientId: this.clientId, AuthParameters: parameters });
  }

  private async call(action: string, payload: Record<string, unknown>): Promise<InitiateAuthAnswer> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
        },
        body: JSON.stringify(payload),
      });
    } catch {
      throw new AuthError('The sign-in service cannot be reached. Check your connection and try again.', 'NetworkError');
    }
    let body: Record<string, unknown> = {};
    try {
      body = (await response.json()) as Record<string, unknown>;
    } catch {
      // An empty or non-JSON answer is handled by the status check below.
    }
    if (!response.ok) {
      const code = errorCode(body.__type ?? body.code);
      const serverMessage = typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
      throw new AuthError(FRIENDLY_MESSAGES[code] ?? (serverMessage || `Sign-in failed (${response.status}).`), code);
    }
    return body as InitiateAuthAnswer;
  }
}
