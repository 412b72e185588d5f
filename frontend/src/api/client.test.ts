import { describe, expect, it, vi } from 'vitest';
import { fakeFetch, json } from '../test/helpers';
import { ApiClient, ApiError, buildUrl, type TokenSource } from './client';

function tokens(initial: string | null, renewed: string | null = null): TokenSource & { refresh: ReturnType<typeof vi.fn> } {
  return { getIdToken: vi.fn(async () => initial), refresh: vi.fn(async () => renewed) };
}

describe('ApiClient', () => {
  it('sends the ID token as a bearer token and leaves empty filters out of the query', async () => {
    // Given a signed-in user
    const { fetch, requests } = fakeFetch({ 'GET /models': json(200, { items: [], next_cursor: null }) });
    const client = new ApiClient('/api/v1', tokens('id-token-1'), fetch);
    // When they list models with one filter set and one blank
    await client.get('/models', { query: { risk_level: 'high', owner: '', cursor: undefined } });
    // Then the request carries their token and only the set filter
    expect(requests[0].headers.Authorization).toBe('Bearer id-token-1');
    expect(requests[0].url).toBe('/api/v1/models?risk_level=high');
  });

  it('turns the error envelope into an ApiError with code, message and field errors', async () => {
    const { fetch } = fakeFetch({
      'POST /models': json(422, {
        error: {
          code: 'validation_error',
          message: 'Invalid request',
          details: [
            { field: 'name', message: 'String should have at least 1 character' },
            { field: 'body.risk_level', message: 'Input should be minimal, limited, high or unacceptable' },
          ],
        },
      }),
    });
    const client = new ApiClient('/api/v1', tokens('t'), fetch);
    const error = await client.post('/models', { name: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.code).toBe('validation_error');
    expect(apiError.fieldErrors()).toEqual({
      name: 'String should have at least 1 character',
      risk_level: 'Input should be minimal, limited, high or unacceptable',
    });
  });

  it('refreshes once on a 401 and retries with the new token', async () => {
    // Given a token the API no longer accepts
    let calls = 0;
    const { fetch, requests } = fakeFetch({
      'GET /models/7': () => (++calls === 1 ? json(401, { message: 'Unauthorized' }) : json(200, { id: 7 })),
    });
    const source = tokens('old-token', 'new-token');
    const client = new ApiClient('/api/v1', source, fetch);
    // When a request is rejected with 401
    const model = await client.get<{ id: number }>('/models/7');
    // Then the session is refreshed and the request is sent again with the new token
    expect(model.id).toBe(7);
    expect(source.refresh).toHaveBeenCalledTimes(1);
    expect(requests.map((r) => r.headers.Authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
  });

  it('gives up with a session-expired error when the refresh fails', async () => {
    const { fetch, requests } = fakeFetch({ 'GET /models': json(401, { message: 'Unauthorized' }) });
    const client = new ApiClient('/api/v1', tokens('old-token', null), fetch);
    const error = (await client.get('/models').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/session has expired/i);
    expect(requests).toHaveLength(1);
  });

  it('reports an unreachable server as a network error', async () => {
    const failing = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const client = new ApiClient('/api/v1', tokens('t'), failing);
    const error = (await client.get('/dashboard/stats').catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('network_error');
    expect(error.message).toMatch(/cannot be reached/i);
  });

  it('falls back to a message per status when the error body is not JSON', async () => {
    const { fetch } = fakeFetch({ 'GET /models': () => new Response('<html>Bad gateway</html>', { status: 502 }) });
    const client = new ApiClient('/api/v1', tokens('t'), fetch);
    const error = (await client.get('/models').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.message).toBe('The server is unavailable. Try again.');
  });

  it('hands a file answer over as a Blob with its content type, refreshing an expired token like any request', async () => {
    // Given a token the API no longer accepts, and a CSV behind the route
    let calls = 0;
    const csv = 'control,applicable\r\nA.2.2,yes\r\n';
    const { fetch, requests } = fakeFetch({
      'GET /frameworks/iso42001/statement-of-applicability': () =>
        ++calls === 1
          ? json(401, { message: 'Unauthorized' })
          : new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' } }),
    });
    const client = new ApiClient('/api/v1', tokens('old-token', 'new-token'), fetch);
    // When the file is fetched
    const blob = await client.getBlob('/frameworks/iso42001/statement-of-applicability', { query: { format: 'csv' } });
    // Then the bytes arrive unparsed, typed as the API sent them, fetched with the renewed token
    expect(blob.type).toMatch(/^text\/csv/);
    expect(await blob.text()).toBe(csv);
    expect(requests.map((r) => r.headers.Authorization)).toEqual(['Bearer old-token', 'Bearer new-token']);
    expect(requests[1].query.get('format')).toBe('csv');
  });

  it('turns a refused file request into an ApiError', async () => {
    const { fetch } = fakeFetch({ 'GET /files/x': json(403, { error: { code: 'forbidden', message: 'Your role does not allow this.' } }) });
    const client = new ApiClient('/api/v1', tokens('t'), fetch);
    const error = (await client.getBlob('/files/x').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('forbidden');
  });

  it('answers undefined for 204 No Content', async () => {
    const { fetch, requests } = fakeFetch({ 'DELETE /models/7': () => new Response(null, { status: 204 }) });
    const client = new ApiClient('/api/v1', tokens('t'), fetch);
    await expect(client.delete('/models/7', { query: { reason: 'duplicate entry' } })).resolves.toBeUndefined();
    expect(requests[0].query.get('reason')).toBe('duplicate entry');
  });
});

describe('buildUrl', () => {
  it('joins base and path with one slash and encodes the query', () => {
    expect(buildUrl('/api/v1/', '/models', { q: 'fraud detector' })).toBe('/api/v1/models?q=fraud+detector');
  });
});
