import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { vi } from 'vitest';
import { ApiProvider } from '../api/ApiContext';
import { ApiClient } from '../api/client';
import { GovernanceApi } from '../api/endpoints';
import type { Dataset, Model } from '../api/types';
import { AuthProvider, type AuthServices } from '../auth/AuthContext';
import type { Role } from '../auth/roles';
import { SessionManager } from '../auth/session';
import type { Tokens } from '../auth/tokens';
import { cssVariablesResolver, theme } from '../theme';

function b64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An unsigned JWT with the given claims: the app only reads tokens, the API verifies them. */
export function makeJwt(claims: Record<string, unknown>): string {
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.sig`;
}

export function tokensFor(
  role: Role | null,
  username = `demo-${role ?? 'nobody'}`,
  expiresAt = Date.now() + 3_600_000,
  teams: readonly string[] = [],
): Tokens {
  const idToken = makeJwt({
    'cognito:username': username,
    'cognito:groups': [...(role ? [role] : []), ...teams.map((team) => `team-${team}`)],
    exp: Math.floor(expiresAt / 1000),
    token_use: 'id',
  });
  return { idToken, accessToken: makeJwt({ token_use: 'access' }), refreshToken: 'refresh-1', expiresAt };
}

export interface RecordedRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export type Responder = (request: RecordedRequest) => Response | Promise<Response>;
export type RouteTable = Record<string, Responder | Response | (() => Response)>;

export function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** A fetch that answers from `routes` ("GET /models/1" or "GET /models" keys) and records each request. */
export function fakeFetch(routes: RouteTable) {
  const requests: RecordedRequest[] = [];
  const impl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/api\/v1/, '');
    const request: RecordedRequest = {
      method,
      url: String(input),
      path,
      query: url.searchParams,
      headers: Object.fromEntries(Object.entries((init?.headers as Record<string, string>) ?? {})),
      body: typeof init?.body === 'string' ? parseBody(init.body) : undefined,
    };
    requests.push(request);
    const route = routes[`${method} ${path}`];
    if (!route) return json(404, { error: { code: 'not_found', message: `No route ${method} ${path}` } });
    if (route instanceof Response) return route.clone();
    return (route as Responder)(request);
  });
  return { fetch: impl as unknown as typeof fetch, requests };
}

export function sampleModel(overrides: Partial<Model> = {}): Model {
  return {
    id: 7,
    name: 'fraud-detector-v2',
    owner: 'ML Team',
    description: 'Scores card transactions for fraud.',
    domain: 'finance',
    risk_level: 'high',
    risk_justification: 'Credit decisions (Annex III 5b).',
    compliance_status: 'draft',
    intended_purpose: 'Detect fraudulent transactions',
    data_sources: 'Transactions 2020-2024',
    oversight_plan: 'Analyst reviews every block.',
    allowed_transitions: ['under_review', 'retired'],
    latest_version: { id: 3, version_tag: 'v1.0.0' },
    approved_version_id: null,
    approved_at: null,
    approved_by: null,
    approval: { invalidated: null, policy_version: null, required_signoffs: 1, sealed_at: null, signoffs: [], snapshot_sha256: null },
    team: 'payments-ml',
    policy_violations: [],
    submitted_by: null,
    revision: 3,
    created_at: '2026-11-20T10:00:00+00:00',
    created_by: 'demo-owner',
    updated_at: '2026-11-24T10:00:00+00:00',
    updated_by: 'demo-owner',
    last_change_reason: null,
    ...overrides,
  };
}

export function sampleDataset(overrides: Partial<Dataset> = {}): Dataset {
  return {
    id: 4,
    name: 'card-transactions-2025',
    team: 'payments-ml',
    description: 'Card transactions with fraud labels.',
    source: 'Core banking ledger export, pseudonymised',
    licence: 'internal',
    collection_period: '2025-01 to 2025-12',
    geographic_scope: 'EU',
    demographic_scope: null,
    labelling_procedure: 'Chargebacks confirmed by analysts',
    personal_data: true,
    special_categories: false,
    known_limitations: null,
    bias_examination: { examined: 'Approval rates by age band', outcome: 'No band differs by more than 2 points' },
    flagged: false,
    flag: null,
    revision: 2,
    created_at: '2026-11-20T10:00:00+00:00',
    created_by: 'demo-owner',
    updated_at: '2026-11-24T10:00:00+00:00',
    updated_by: 'demo-owner',
    ...overrides,
  };
}

export interface Harness extends RenderResult {
  requests: RecordedRequest[];
  manager: SessionManager;
}

/** Renders `ui` at `path` (matched by `pattern`) signed in as `role` in `teams`, with the API answered by `routes`. */
export function renderPage(
  ui: ReactElement,
  { role = 'admin', teams = [], routes = {}, path = '/', pattern = '*' }: {
    role?: Role | null;
    teams?: readonly string[];
    routes?: RouteTable;
    path?: string;
    pattern?: string;
  } = {},
): Harness {
  const tokens = () => tokensFor(role, undefined, undefined, teams);
  const refresher = { refresh: vi.fn(async () => tokens()) };
  const manager = new SessionManager(refresher, window.sessionStorage);
  manager.setTokens(tokens());
  const services: AuthServices = { manager, password: null, hosted: null };
  const { fetch, requests } = fakeFetch(routes);
  const api = new GovernanceApi(new ApiClient('/api/v1', manager, fetch));
  const result = render(
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      <Notifications />
      <AuthProvider services={services} mode="local">
        <ApiProvider api={api}>
          <MemoryRouter initialEntries={[path]}>
            <Routes>
              <Route path={pattern} element={ui} />
              <Route path="*" element={<div>elsewhere</div>} />
            </Routes>
          </MemoryRouter>
        </ApiProvider>
      </AuthProvider>
    </MantineProvider>,
  );
  return Object.assign(result, { requests, manager });
}
