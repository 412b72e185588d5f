import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, json, tokensFor } from '../test/helpers';
import { CognitoPasswordAuth } from './cognito';
import { HostedUiAuth } from './hosted';
import { SessionManager } from './session';

describe('signing out ends the session at Cognito too', () => {
  it('revokes the refresh token with RevokeToken (password sign-in)', async () => {
    const { fetch, requests } = fakeFetch({ 'POST /': json(200, {}) });
    const auth = new CognitoPasswordAuth('http://127.0.0.1:4566/', 'client-123', fetch);
    await auth.revoke('refresh-1');
    expect(requests[0].headers['X-Amz-Target']).toBe('AWSCognitoIdentityProviderService.RevokeToken');
    expect(requests[0].body).toEqual({ Token: 'refresh-1', ClientId: 'client-123' });
  });

  it('revokes the refresh token at /oauth2/revoke (hosted UI)', async () => {
    const { fetch, requests } = fakeFetch({ 'POST /oauth2/revoke': json(200, {}) });
    const auth = new HostedUiAuth('auth.example.com', 'client-123', 'https://hub.example.com', window.sessionStorage, fetch);
    await auth.revoke('refresh-1');
    expect(requests[0].url).toBe('https://auth.example.com/oauth2/revoke');
    expect(Object.fromEntries(new URLSearchParams(String(requests[0].body)))).toEqual({ token: 'refresh-1', client_id: 'client-123' });
  });

  it('the hosted-UI logout returns to the sign-in page, the logout URL the app client registers', () => {
    const auth = new HostedUiAuth('auth.example.com', 'client-123', 'https://hub.example.com');
    const url = new URL(auth.logoutUrl());
    expect(url.origin + url.pathname).toBe('https://auth.example.com/logout');
    expect(url.searchParams.get('logout_uri')).toBe('https://hub.example.com/signin');
  });

  it('a user sign-out forgets the tokens at once and revokes the refresh token', async () => {
    const refresher = { refresh: vi.fn(), revoke: vi.fn(async () => undefined) };
    const manager = new SessionManager(refresher, window.sessionStorage);
    manager.setTokens(tokensFor('admin'));
    const ended = manager.signOutAndRevoke();
    expect(manager.getSession()).toBeNull();
    await ended;
    expect(refresher.revoke).toHaveBeenCalledWith('refresh-1');
  });

  it('a refused revocation still leaves the user signed out', async () => {
    const refresher = { refresh: vi.fn(), revoke: vi.fn(async () => Promise.reject(new Error('offline'))) };
    const manager = new SessionManager(refresher, window.sessionStorage);
    manager.setTokens(tokensFor('admin'));
    await expect(manager.signOutAndRevoke()).resolves.toBeUndefined();
    expect(manager.getSession()).toBeNull();
    expect(manager.lastSignOutReason).toBe('user');
  });
});
