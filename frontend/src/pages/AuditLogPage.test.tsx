import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderPage, sampleModel } from '../test/helpers';
import AuditLogPage from './AuditLogPage';

const approval = {
  model_id: 7, sequence: 5, time: '2026-12-01T10:00:00Z', actor: { username: 'demo-admin', role: 'admin' }, action: 'status_change',
  entity: 'model', entity_id: 7, reason: 'Meets the policy', hash: 'h5', prev_hash: 'h4',
  changes: {
    compliance_status: { before: 'under_review', after: 'approved' },
    approved_version_id: { before: null, after: 12 },
    approved_by: { before: null, after: 'demo-admin' },
    approved_at: { before: null, after: '2026-12-01T10:00:00Z' },
    approval_sha256: { before: null, after: 'f'.repeat(64) },
  },
};

describe('AuditLogPage', () => {
  it('names models and versions, folds long diffs and hashes, and verifies every chain', async () => {
    renderPage(<AuditLogPage />, {
      role: 'auditor',
      path: '/audit',
      routes: {
        'GET /audit-logs': json(200, { items: [approval], next_cursor: null }),
        'GET /models/7': json(200, sampleModel()),
        'GET /versions/12': json(200, { id: 12, model_id: 7, version_tag: 'v1.2.0', s3_path: 's3://b', revision: 1, created_at: '2026-11-01T00:00:00Z' }),
        'GET /models': json(200, { items: [sampleModel()], next_cursor: null }),
        'GET /models/7/audit-logs/verify': json(200, { intact: true, records: 5, head_hash: 'h5', first_break: null, mode: 'full' }),
      },
    });
    const table = await screen.findByRole('table', { name: 'Audit records' });
    const row = within(table).getAllByRole('row')[1];
    expect(await within(row).findByRole('link', { name: 'fraud-detector-v2' })).toHaveAttribute('href', '/models/7?tab=audit');
    const changes = within(row).getByRole('list', { name: 'Changes in record 5' });
    expect(await within(changes).findByText('v1.2.0', { exact: false })).toBeInTheDocument();
    expect(changes).not.toHaveTextContent('ffff');
    await userEvent.click(within(row).getByRole('button', { name: 'Show all 5 changes' }));
    expect(changes).toHaveTextContent('approval_sha256');
    await userEvent.click(screen.getByRole('button', { name: 'Verify all chains' }));
    expect(await screen.findByText('All 1 chains intact')).toBeInTheDocument();
    expect(screen.getByText(/5 records in the chains of 1 models\. Every record re-hashed\./)).toBeInTheDocument();
  });

  it('exports the filtered records as CSV', async () => {
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      created.push(blob as Blob);
      return 'blob:csv';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const { requests } = renderPage(<AuditLogPage />, {
      role: 'auditor',
      path: '/audit?action=status_change',
      routes: {
        'GET /audit-logs': json(200, { items: [approval], next_cursor: null }),
        'GET /models': json(200, { items: [sampleModel()], next_cursor: null }),
        'GET /models/7': json(200, sampleModel()),
      },
    });
    await screen.findByRole('table', { name: 'Audit records' });
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await vi.waitFor(() => expect(created).toHaveLength(1));
    const csv = await new Promise<string>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.readAsText(created[0]);
    });
    expect(csv.split('\r\n')[1]).toContain('"fraud-detector-v2","5","status_change"');
    expect(requests.filter((r) => r.path === '/audit-logs').every((r) => r.query.get('action') === 'status_change')).toBe(true);
  });
});
