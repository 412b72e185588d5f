import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Evidence } from '../../api/types';
import { json, renderPage } from '../../test/helpers';
import { EvidencePanel } from './EvidencePanel';

const procedure: Evidence = {
  model_id: 7, evidence_id: '20261206120000-ab12cd34', team: 'payments-ml', title: 'Risk procedure', kind: 'risk_management_procedure',
  covers: ['art-9'], content_type: 'application/pdf', size: 18233, sha256: 'a'.repeat(64), status: 'signed_off', current: true,
  expiry: null, expiry_notice: null, uploaded_by: 'demo-owner', valid_from: null, valid_until: null, supersedes: null,
  object_version: 'v1', verified_at: '2026-12-01T10:00:00+00:00',
  signoff: { by: 'demo-admin', role: 'admin', at: '2026-12-01T11:00:00+00:00', reason: 'checked' },
  created_at: '2026-12-01T09:00:00+00:00', updated_at: '2026-12-01T11:00:00+00:00', updated_by: 'demo-admin', change_reason: 'checked',
  revision: 3,
};

describe('EvidencePanel', () => {
  it('says a withdrawal may reopen the approval, and has the page reload the model after it', async () => {
    const onWithdrawn = vi.fn();
    const page = renderPage(<EvidencePanel modelId={7} canWrite onWithdrawn={onWithdrawn} />, {
      role: 'model_owner',
      routes: {
        'GET /models/7/evidence': json(200, { items: [procedure], next_cursor: null }),
        [`POST /models/7/evidence/${procedure.evidence_id}/withdraw`]: json(200, { ...procedure, status: 'withdrawn', revision: 4 }),
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Withdraw Risk procedure' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent("If the model's approval relied on it, the model goes back under review.");
    fireEvent.change(within(dialog).getByLabelText(/Reason/), { target: { value: 'Replaced by the group procedure' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Withdraw' }));
    await waitFor(() => expect(onWithdrawn).toHaveBeenCalledTimes(1));
    const sent = page.requests.find((r) => r.method === 'POST');
    expect(sent?.body).toEqual({ reason: 'Replaced by the group procedure', expected_revision: 3 });
  });
});
