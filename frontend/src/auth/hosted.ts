/** Cognito hosted UI sign-in: OAuth 2.0 authorization code with PKCE (authMode "hosted"). */
import { AuthError } from './cognito';
import { makeTokens, type TokenRefresher, type Tokens } from './tokens';

const PKCE_KEY = 'govhub.pkce';

interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  bytes.forEach((b) => {
    binary += String.fromCharCode(b);
  });
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteLength: number): string {
  const bytes = new Uint8Array(byteLength);
  crypto.getRandomValues(bytes);
  return base64Url(bytes);
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export class HostedUiAuth implements TokenRefresher {
  private readonly baseUrl: string;

  constructor(
    domain: string,
    private readonly clientId: string,
    private readonly origin: string = window.location.origin,
    private readonly storage: Storage = window.sessionStorage,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly now: () => number = Date.now,
  ) {
    this.baseUrl = (/^https?:\/\//.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, '');
  }

  get redirectUri(): string {
    return `${this.origin}/callback`;
  }

  /** Builds the authorize URL and remembers the PKCE verifier for the callback. */
  async authorizeUrl(returnTo: string): Promise<string> {
    const pending: PendingSignIn = { state: randomString(16), verifier: randomString(48), returnTo };
    this.storage.setItem(PKCE_KEY, JSON.stringify(pending));
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      state: pending.state,
      code_challenge: await pkceChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return `${this.baseUrl}/oauth2/authorize?${params.toString()}`;
  }

  /** Exchanges the code from `/callback?code=…&state=…`; answers the tokens and where to go next. */
  async completeSignIn(search: string): Promise<{ tokens: Tokens; returnTo: string }> {
    const params = new URLSearchParams(search);
    const error = params.get('error');
    if (error) {
      throw new AuthError(params.get('error_description') ?? error, error);
    }
    const code = params.get('code');
    const raw = this.storage.getItem(PKCE_KEY);
    this.storage.removeItem(PKCE_KEY);
    const pending = raw ? (JSON.parse(raw) as PendingSignIn) : null;
    if (!code || !pending || pending.state !== params.get('state')) {
      throw new AuthError('The sign-in answer does not match a sign-in started here. Sign in again.', 'InvalidState');
    }
    const tokens = await this.tokenRequest(
      {
        grant_type: 'authorization_code',
        client_id: this.clientId,
        code,
        redirect_uri: this.redirectUri,
        code_verifier: pending.verifier,
      },
      undefined,
    );
    return { tokens, returnTo: pending.returnTo || '/models' };
  }

  refresh(refreshToken: string): Promise<Tokens> {
    return this.tokenRequest(
      { grant_type: 'refresh_token', client_id: this.clientId, refresh_token: refreshToken },
      refreshToken,
    );
  }

  /** Revokes the refresh token at the hosted UI's revocation endpoint (RFC 7009). */
  async revoke(refreshToken: string): Promise<void> {
    const response = await this.fetchImpl(`${this.baseUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken, client_id: this.clientId }).toString(),
    });
    if (!response.ok) {
      throw new AuthError(`The sign-in service did not revoke the session (${response.status}).`, 'RevokeFailed');
    }
  }

  /** The hosted UI's logout; `logout_uri` must be one of the app client's LogoutURLs (template.yaml). */
  logoutUrl(): string {
    const params = new URLSearchParams({ client_id: this.clientId, logout_uri: `${this.origin}/signin` });
    return `${this.baseUrl}/logout?${params.toString()}`;
  }

  private async tokenRequest(form: Record<string, string>, previousRefreshToken: string | undefined): Promise<Tokens> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    } catch {
      throw new AuthError('The sign-in service cannot be reached.', 'NetworkError');
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof body.id_token !== 'string' || typeof body.access_token !== 'string') {
      const code = typeof body.error === 'string' ? body.error : 'TokenExchangeFailed';
      throw new AuthError(`Sign-in could not be completed (${code}).`, code);
    }
    return makeTokens(
      body.id_token,
      body.access_token,
      typeof body.expires_in === 'number' ? body.expires_in : undefined,
      typeof body.refresh_token === 'string' ? body.refresh_token : previousRefreshToken,
      this.now(),
    );
  }
}
