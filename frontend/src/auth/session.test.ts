import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokensFor } from '../test/helpers';
import { REFRESH_MARGIN_MS, SessionManager } from './session';

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionManager', () => {
  it('hands out the current ID token while it is far from expiry', async () => {
    const refresher = { refresh: vi.fn() };
    const manager = new SessionManager(refresher, window.sessionStorage);
    const tokens = tokensFor('auditor');
    manager.setTokens(tokens);
    await expect(manager.getIdToken()).resolves.toBe(tokens.idToken);
    expect(refresher.refresh).not.toHaveBeenCalled();
  });

  it('refreshes a token about to expire, once for concurrent callers', async () => {
    // Given a session whose ID token expires within the refresh margin
    const fresh = tokensFor('model_owner', 'demo-owner');
    const refresher = { refresh: vi.fn(async () => fresh) };
    const manager = new SessionManager(refresher, window.sessionStorage);
    manager.setTokens(tokensFor('model_owner', 'demo-owner', Date.now() + REFRESH_MARGIN_MS / 2));
    // When two requests ask for a token at the same time
    const [a, b] = await Promise.all([manager.getIdToken(), manager.getIdToken()]);
    // Then one REFRESH_TOKEN_AUTH call renews the session for both
    expect(refresher.refresh).toHaveBeenCalledTimes(1);
    expect(refresher.refresh).toHaveBeenCalledWith('refresh-1');
    expect(a).toBe(fresh.idToken);
    expect(b).toBe(fresh.idToken);
  });

  it('signs the user out, marked as expired, when the refresh is refused', async () => {
    const refresher = { refresh: vi.fn(async () => Promise.reject(new Error('NotAuthorizedException'))) };
    const manager = new SessionManager(refresher, window.sessionStorage);
    manager.setTokens(tokensFor('admin'));
    const listener = vi.fn();
    manager.subscribe(listener);
    await expect(manager.refresh()).resolves.toBeNull();
    expect(manager.getSession()).toBeNull();
    expect(manager.lastSignOutReason).toBe('expired');
    expect(listener).toHaveBeenCalled();
    expect(window.sessionStorage.getItem('govhub.session')).toBeNull();
  });

  it('restores the session of this tab after a reload, with user and role from the ID token', () => {
    const first = new SessionManager({ refresh: vi.fn() }, window.sessionStorage);
    first.setTokens(tokensFor('admin', 'demo-admin'));
    const second = new SessionManager({ refresh: vi.fn() }, window.sessionStorage);
    expect(second.getSession()?.username).toBe('demo-admin');
    expect(second.getSession()?.role).toBe('admin');
  });

  it('refreshes in the background shortly before the token expires', async () => {
    vi.useFakeTimers();
    const fresh = tokensFor('auditor');
    const refresher = { refresh: vi.fn(async () => fresh) };
    const manager = new SessionManager(refresher, window.sessionStorage);
    manager.setTokens(tokensFor('auditor', 'demo-auditor', Date.now() + REFRESH_MARGIN_MS + 5_000));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(refresher.refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refresher.refresh).toHaveBeenCalledTimes(1);
    manager.signOut();
  });
});
