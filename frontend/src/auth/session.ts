/** Holds the signed-in user's tokens, refreshes them before they expire and tells React when they change. */
import { decodeJwt } from './jwt';
import { roleFromClaims, teamsFromGroups, usernameFromClaims, type Role } from './roles';
import type { TokenRefresher, Tokens } from './tokens';

const STORAGE_KEY = 'govhub.session';
/** Refresh this long before the ID token expires, so a request never leaves with a dying token. */
export const REFRESH_MARGIN_MS = 60_000;

export interface Session {
  tokens: Tokens;
  username: string;
  role: Role | null;
  /** The teams whose models the user may change (Cognito groups `team-<slug>`). */
  teams?: string[];
  email?: string;
}

export type SignOutReason = 'user' | 'expired';

/** How long a new tab waits for another open tab of the hub to hand over its session. */
export const HANDOVER_WAIT_MS = 400;

/** The messages open tabs of the same origin exchange (BroadcastChannel never crosses origins). */
type TabMessage = { type: 'request' } | { type: 'session'; tokens: Tokens } | { type: 'signout' };

/** The part of BroadcastChannel the session manager uses (injectable in tests). */
export interface TabChannel {
  postMessage(message: TabMessage): void;
  onmessage: ((event: MessageEvent<TabMessage>) => void) | null;
}

function defaultChannel(): TabChannel | null {
  return typeof BroadcastChannel === 'undefined' ? null : (new BroadcastChannel('govhub.session') as unknown as TabChannel);
}

export function sessionFromTokens(tokens: Tokens): Session {
  const claims = decodeJwt(tokens.idToken);
  return {
    tokens,
    username: usernameFromClaims(claims),
    role: roleFromClaims(claims),
    teams: teamsFromGroups(claims['cognito:groups']),
    email: typeof claims.email === 'string' ? claims.email : undefined,
  };
}

export class SessionManager {
  private session: Session | null = null;
  private listeners = new Set<() => void>();
  private inflightRefresh: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  lastSignOutReason: SignOutReason | null = null;
  /**
   * Settles once the session is known: at once when this tab has one, else when another open tab
   * answered or HANDOVER_WAIT_MS passed. A link opened in a new tab so keeps the session, with tokens
   * still held only by the tabs of this origin (as sessionStorage holds them) and gone when the last closes.
   */
  readonly ready: Promise<void>;

  constructor(
    private readonly refresher: TokenRefresher,
    private readonly storage: Storage | null = typeof window === 'undefined' ? null : window.sessionStorage,
    private readonly now: () => number = Date.now,
    private readonly channel: TabChannel | null = typeof window === 'undefined' ? null : defaultChannel(),
  ) {
    this.session = this.restore();
    this.schedule();
    this.ready = this.joinOtherTabs();
  }

  private joinOtherTabs(): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.resolve();
    let handedOver: (() => void) | null = null;
    channel.onmessage = (event) => {
      const message = event.data;
      if (message.type === 'request' && this.session) {
        channel.postMessage({ type: 'session', tokens: this.session.tokens });
      } else if (message.type === 'session' && !this.session && message.tokens.expiresAt > this.now()) {
        this.setTokens(message.tokens);
        handedOver?.();
      } else if (message.type === 'signout' && this.session) {
        this.endSession('user');
      }
    };
    if (this.session) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, HANDOVER_WAIT_MS);
      handedOver = () => {
        clearTimeout(timer);
        resolve();
      };
      channel.postMessage({ type: 'request' });
    });
  }

  getSession = (): Session | null => this.session;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  setTokens(tokens: Tokens): Session {
    const session = sessionFromTokens(tokens);
    this.session = session;
    this.lastSignOutReason = null;
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(tokens));
    this.schedule();
    this.emit();
    return session;
  }

  /** Ends the session here and, when the user asked, in every other open tab of the hub. */
  signOut(reason: SignOutReason = 'user'): void {
    if (reason === 'user') this.channel?.postMessage({ type: 'signout' });
    this.endSession(reason);
  }

  private endSession(reason: SignOutReason): void {
    this.session = null;
    this.lastSignOutReason = reason;
    this.storage?.removeItem(STORAGE_KEY);
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.emit();
  }

  /** The user signs out: the tokens are forgotten at once, then the refresh token is revoked at Cognito (best
   * effort: a failed revocation leaves the user signed out here, and the token expires on its own). */
  async signOutAndRevoke(): Promise<void> {
    const refreshToken = this.session?.tokens.refreshToken;
    this.signOut('user');
    if (refreshToken && this.refresher.revoke) {
      try {
        await this.refresher.revoke(refreshToken);
      } catch {
        // nothing more to do: the session is gone from this browser
      }
    }
  }

  /** The ID token to send, refreshed first when it is about to expire; null when signed out. */
  async getIdToken(): Promise<string | null> {
    const session = this.session;
    if (!session) {
      return null;
    }
    if (session.tokens.expiresAt - this.now() > REFRESH_MARGIN_MS) {
      return session.tokens.idToken;
    }
    return this.refresh();
  }

  /** Refreshes the tokens once, however many callers ask at the same time; null (signed out) on failure. */
  refresh(): Promise<string | null> {
    if (this.inflightRefresh) {
      return this.inflightRefresh;
    }
    const refreshToken = this.session?.tokens.refreshToken;
    if (!refreshToken) {
      if (this.session) {
        this.signOut('expired');
      }
      return Promise.resolve(null);
    }
    this.inflightRefresh = this.refresher
      .refresh(refreshToken)
      .then((tokens) => this.setTokens(tokens).tokens.idToken)
      .catch(() => {
        this.signOut('expired');
        return null;
      })
      .finally(() => {
        this.inflightRefresh = null;
      });
    return this.inflightRefresh;
  }

  private restore(): Session | null {
    const raw = this.storage?.getItem(STORAGE_KEY);
    if (!raw) {
      return null;
    }
    try {
      const tokens = JSON.parse(raw) as Tokens;
      if (!tokens.refreshToken && tokens.expiresAt <= this.now()) {
        this.storage?.removeItem(STORAGE_KEY);
        return null;
      }
      return sessionFromTokens(tokens);
    } catch {
      this.storage?.removeItem(STORAGE_KEY);
      return null;
    }
  }

  /** Refreshes in the background shortly before expiry, so an idle tab stays signed in. */
  private schedule(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.session?.tokens.refreshToken || typeof window === 'undefined') {
      return;
    }
    const delay = Math.max(this.session.tokens.expiresAt - this.now() - REFRESH_MARGIN_MS, 0);
    // setTimeout overflows past ~24.8 days; a token that far out needs no timer yet.
    if (delay < 2 ** 31 - 1) {
      this.timer = setTimeout(() => {
        void this.refresh();
      }, delay);
    }
  }

  private emit(): void {
    this.listeners.forEach((listener) => listener());
  }
}
