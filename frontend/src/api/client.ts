/** HTTP client for the governance API: bearer tokens, one refresh-and-retry on 401, typed errors. */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** 422 `details` as a field → message map; the field is the last segment of a dotted/array path. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) {
      return out;
    }
    for (const entry of this.details as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { field, loc, message, msg } = entry as Record<string, unknown>;
      const path = Array.isArray(field ?? loc) ? ((field ?? loc) as unknown[]).map(String) : String(field ?? '').split('.');
      const name = path.filter((p) => p && p !== 'body').pop();
      const text = typeof message === 'string' ? message : typeof msg === 'string' ? msg : 'Invalid value';
      if (name && !(name in out)) {
        out[name] = text;
      }
    }
    return out;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

export interface TokenSource {
  getIdToken(): Promise<string | null>;
  /** Forces a refresh (after a 401); null when the session could not be renewed. */
  refresh(): Promise<string | null>;
}

export type Query = Record<string, string | number | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'The request was not understood.',
  401: 'Your session has expired. Sign in again.',
  403: 'Your role does not allow this action.',
  404: 'Not found.',
  413: 'The request is too large.',
  429: 'Too many requests. Try again in a moment.',
  500: 'The server had a problem. Try again.',
  502: 'The server is unavailable. Try again.',
  503: 'The server is unavailable. Try again.',
};

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.set(key, String(value));
    }
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Non-JSON error bodies (proxies, gateways) fall back to a message per status.
  }
  const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const fallback = STATUS_MESSAGES[response.status] ?? `Request failed (${response.status}).`;
  if (envelope && typeof envelope === 'object') {
    return new ApiError(
      response.status,
      typeof envelope.code === 'string' ? envelope.code : `http_${response.status}`,
      typeof envelope.message === 'string' && envelope.message ? envelope.message : fallback,
      envelope.details,
    );
  }
  const code = response.status === 401 ? 'unauthorized' : `http_${response.status}`;
  return new ApiError(response.status, code, fallback);
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.respond(method, path, options);
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A GET whose answer is a file (CSV, JSON as sent): its bytes as a Blob, typed by the answer's Content-Type. */
  async getBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
    const response = await this.respond('GET', path, options);
    return response.blob();
  }

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /** Sends with the current token, refreshes once on a 401, and throws an ApiError for any answer but 2xx. */
  private async respond(method: string, path: string, options: RequestOptions): Promise<Response> {
    const token = await this.tokens.getIdToken();
    let response = await this.send(method, path, options, token);
    if (response.status === 401) {
      const renewed = await this.tokens.refresh();
      if (!renewed) {
        throw new ApiError(401, 'unauthorized', STATUS_MESSAGES[401]);
      }
      response = await this.send(method, path, options, renewed);
    }
    if (!response.ok) {
      throw await toApiError(response);
    }
    return response;
  }

  private async send(method: string, path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await this.fetchImpl(buildUrl(this.baseUrl, path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network_error', 'The server cannot be reached. Check your connection and try again.');
    }
  }
}
