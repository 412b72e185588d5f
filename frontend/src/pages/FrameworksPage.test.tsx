import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { json, renderPage, type RouteTable } from '../test/helpers';
import FrameworksPage from './FrameworksPage';

const statement = {
  framework: 'iso42001',
  library_version: 2,
  library_name: 'default',
  rows: [{ control: 'A.7.4', description: 'Quality of data', applicable: 'yes', justification: 'Art. 10', eu_ai_act_obligations: ['art-10'] }],
};
const csv = 'control,description,applicable,justification,eu_ai_act_obligations\r\nA.7.4,Quality of data,yes,Art. 10,art-10\r\n';
const routes: RouteTable = {
  'GET /models': json(200, { items: [], next_cursor: null }),
  'GET /frameworks/iso42001/statement-of-applicability': (req) =>
    req.query.get('format') === 'csv'
      ? new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
      : json(200, statement),
};

describe('FrameworksPage statement of applicability', () => {
  const saved: { name: string; blob: Blob }[] = [];
  beforeEach(() => {
    saved.length = 0;
    const blobs = new Map<string, Blob>();
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: (blob: Blob) => { const url = `blob:${blobs.size}`; blobs.set(url, blob); return url; } });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => {} });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href') ?? '')! });
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('saves the CSV and the JSON the API writes, with the signed-in user\'s token', async () => {
    const { requests } = renderPage(<FrameworksPage />, { role: 'auditor', path: '/frameworks', routes });
    const section = await screen.findByRole('region', { name: 'Statement of applicability' });
    await within(section).findByRole('table', { name: 'ISO/IEC 42001 statement of applicability' });
    await userEvent.click(within(section).getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].name).toMatch(/^iso42001-statement-of-applicability-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await saved[0].blob.text()).toBe(csv);
    await userEvent.click(within(section).getByRole('button', { name: 'Download JSON' }));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1].name).toMatch(/\.json$/);
    expect(JSON.parse(await saved[1].blob.text())).toEqual(statement);
    const files = requests.filter((r) => r.query.get('format'));
    expect(files.map((r) => [r.query.get('format'), r.headers.Authorization?.startsWith('Bearer ')])).toEqual([['csv', true], ['json', true]]);
  });

  it('says why a download failed', async () => {
    renderPage(<FrameworksPage />, {
      role: 'auditor',
      path: '/frameworks',
      routes: {
        ...routes,
        'GET /frameworks/iso42001/statement-of-applicability': (req) =>
          req.query.get('format') === 'csv' ? json(503, { error: { code: 'unavailable', message: 'The server is unavailable. Try again.' } }) : json(200, statement),
      },
    });
    const section = await screen.findByRole('region', { name: 'Statement of applicability' });
    await userEvent.click(within(section).getByRole('button', { name: 'Download CSV' }));
    expect(await within(section).findByRole('alert')).toHaveTextContent('Could not download the statement of applicability: The server is unavailable. Try again.');
    expect(saved).toHaveLength(0);
  });
});
