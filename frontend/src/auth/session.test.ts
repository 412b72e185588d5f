import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokensFor } from '../test/helpers';
import { HANDOVER_WAIT_MS, REFRESH_MARGIN_MS, SessionManager, type TabChannel } from './session';

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

/** Two tabs of one origin: a pair of channels that deliver to each other, as BroadcastChannel does. */
function linkedChannels(): [TabChannel, TabChannel] {
  const a: TabChannel = { onmessage: null, postMessage: (m) => queueMicrotask(() => b.onmessage?.({ data: m } as MessageEvent)) };
  const b: TabChannel = { onmessage: null, postMessage: (m) => queueMicrotask(() => a.onmessage?.({ data: m } as MessageEvent)) };
  return [a, b];
}

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
    key: () => null,
    length: 0,
  } as Storage;
}

describe('SessionManager across tabs', () => {
  it('hands the session of an open tab to a new tab, and signs both out together', async () => {
    const [first, second] = linkedChannels();
    const refresher = { refresh: vi.fn() };
    const opened = new SessionManager(refresher, memoryStorage(), Date.now, first);
    opened.setTokens(tokensFor('auditor', 'demo-auditor'));
    // When a link is opened in a new tab (its own, empty session storage)
    const newTab = new SessionManager(refresher, memoryStorage(), Date.now, second);
    await newTab.ready;
    expect(newTab.getSession()?.username).toBe('demo-auditor');
    // And the user signs out in the new tab: the first tab is signed out too
    newTab.signOut('user');
    await new Promise((r) => setTimeout(r, 0));
    expect(opened.getSession()).toBeNull();
  });

  it('lets a new tab with no other tab open go to sign-in after a short wait', async () => {
    const [alone] = linkedChannels();
    vi.useFakeTimers();
    const manager = new SessionManager({ refresh: vi.fn() }, memoryStorage(), Date.now, alone);
    let settled = false;
    void manager.ready.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(HANDOVER_WAIT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(manager.getSession()).toBeNull();
  });
});
