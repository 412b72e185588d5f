import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderPage, sampleModel } from '../test/helpers';
import AccessLogPage from './AccessLogPage';

const access = {
  event_id: 'e1', time: '2026-12-06T09:30:12.5Z', action: 'report_accessed', model_id: 7,
  actor: { username: 'aude.auditor', role: 'auditor' },
  report: { report_id: 'r1', format: 'pdf', sha256: 'a'.repeat(64), size_bytes: 48213, file_name: 'fraud-detector-v2.pdf', bulk_job_id: null },
};

describe('AccessLogPage', () => {
  it("lists one day's report accesses with who, which model and the file's hash, and filters by who", async () => {
    const { requests } = renderPage(<AccessLogPage />, {
      role: 'auditor',
      path: '/access?day=2026-12-06',
      routes: {
        'GET /access-logs': json(200, { items: [access], next_cursor: null }),
        'GET /models/7': json(200, sampleModel()),
        'GET /models': json(200, { items: [sampleModel()], next_cursor: null }),
      },
    });
    const table = await screen.findByRole('table', { name: 'Report accesses' });
    const row = within(table).getAllByRole('row')[1];
    expect(row).toHaveTextContent('2026-12-06 09:30:12');
    expect(row).toHaveTextContent('PDF');
    expect(row).toHaveTextContent('fraud-detector-v2.pdf · 48,213 bytes');
    expect(row).toHaveTextContent('a'.repeat(64));
    expect(await within(row).findByRole('link', { name: 'fraud-detector-v2' })).toHaveAttribute('href', '/models/7');
    expect(requests[0].query.get('day')).toBe('2026-12-06');
    await userEvent.click(within(row).getByRole('button', { name: 'aude.auditor' }));
    expect(screen.getByLabelText('Fetched by')).toHaveValue('aude.auditor');
    const filtered = requests.filter((r) => r.path === '/access-logs').at(-1);
    expect(filtered?.query.get('actor')).toBe('aude.auditor');
    expect(filtered?.query.get('day')).toBe('2026-12-06');
  });

  it("says plainly when nobody fetched a model's report", async () => {
    renderPage(<AccessLogPage />, {
      role: 'admin',
      path: '/access?model=7',
      routes: { 'GET /access-logs': json(200, { items: [], next_cursor: null }), 'GET /models/7': json(200, sampleModel()) },
    });
    expect(await screen.findByText('Nobody generated a report of this model.')).toBeInTheDocument();
  });
});
