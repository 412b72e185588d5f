import { describe, expect, it } from 'vitest';
import { fakeFetch, json, makeJwt } from '../test/helpers';
import { HostedUiAuth, pkceChallenge } from './hosted';

function hosted(routes = {}) {
  const { fetch, requests } = fakeFetch(routes);
  const auth = new HostedUiAuth('govhub-demo.auth.eu-west-1.amazoncognito.com', 'client-9', 'https://hub.example.eu', window.sessionStorage, fetch, () => 0);
  return { auth, requests };
}

describe('HostedUiAuth (authorization code + PKCE)', () => {
  it('sends the browser to the hosted UI with an S256 challenge of a remembered verifier', async () => {
    const { auth } = hosted();
    const url = new URL(await auth.authorizeUrl('/models/7'));
    expect(`${url.origin}${url.pathname}`).toBe('https://govhub-demo.auth.eu-west-1.amazoncognito.com/oauth2/authorize');
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe('client-9');
    expect(url.searchParams.get('redirect_uri')).toBe('https://hub.example.eu/callback');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = JSON.parse(window.sessionStorage.getItem('govhub.pkce') ?? '{}');
    expect(url.searchParams.get('state')).toBe(pending.state);
    expect(url.searchParams.get('code_challenge')).toBe(await pkceChallenge(pending.verifier));
  });

  it('exchanges the code with the verifier at /oauth2/token and returns to the page the user wanted', async () => {
    const idToken = makeJwt({ 'cognito:username': 'reviewer', 'cognito:groups': ['auditor'] });
    const { auth, requests } = hosted({
      'POST /oauth2/token': json(200, { id_token: idToken, access_token: 'acc', refresh_token: 'ref', expires_in: 3600 }),
    });
    const url = new URL(await auth.authorizeUrl('/models/7'));
    const pending = JSON.parse(window.sessionStorage.getItem('govhub.pkce') ?? '{}');
    const { tokens, returnTo } = await auth.completeSignIn(`?code=abc123&state=${url.searchParams.get('state')}`);
    expect(returnTo).toBe('/models/7');
    expect(tokens.idToken).toBe(idToken);
    expect(tokens.refreshToken).toBe('ref');
    const form = new URLSearchParams(String(requests[0].body));
    expect(requests[0].url).toBe('https://govhub-demo.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client-9',
      code: 'abc123',
      redirect_uri: 'https://hub.example.eu/callback',
      code_verifier: pending.verifier,
    });
    // The verifier is single-use: a replayed callback cannot spend it again.
    expect(window.sessionStorage.getItem('govhub.pkce')).toBeNull();
  });

  it('refuses an answer whose state was not issued here', async () => {
    const { auth } = hosted();
    await auth.authorizeUrl('/models');
    await expect(auth.completeSignIn('?code=abc&state=forged')).rejects.toThrow(/does not match/);
  });
});
