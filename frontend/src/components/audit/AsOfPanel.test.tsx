import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { json, renderPage } from '../../test/helpers';
import { AsOfPanel, instantOf } from './AsOfPanel';

const CHAIN = { intact: true, records: 9, head_hash: 'f'.repeat(64), first_break: null, mode: 'full' };

const approvedThen = {
  model_id: 7,
  at: '2026-11-02T10:00:00+00:00',
  existed: true,
  deleted: false,
  model: { id: 7, name: 'fraud-detector', compliance_status: 'approved', risk_level: 'high' },
  latest_version: { id: 31, version_tag: 'v1.0.0', s3_path: 's3://models/fraud/v1', sha256: 'a'.repeat(64) },
  metrics: { accuracy: 0.93 },
  last_change: null,
  approved: {
    version_id: 31, version_tag: 'v1.0.0', by: 'ada.admin', role: 'admin', time: '2026-11-01T09:00:00+00:00',
    reason: 'Annex IV complete', snapshot_sha256: 'c'.repeat(64),
    signoffs: [
      { by: 'demo-admin', role: 'admin', at: '2026-11-01T08:00:00+00:00', reason: 'Risk file reviewed' },
      { by: 'ada.admin', role: 'admin', at: '2026-11-01T09:00:00+00:00', reason: 'Annex IV complete' },
    ],
  },
  monitoring_plan: {
    metrics: [{ metric: 'accuracy', min: 0.9, max: null }, { metric: 'drift_score', min: null, max: 0.2 }],
    review_cadence_days: 90, reviewers: [], method_notes: null, changed_at: '2026-10-30T08:00:00+00:00',
    changed_by: 'mia.owner', reason: 'Monitoring plan written',
  },
  chain: CHAIN,
};

async function ask(moment: string) {
  fireEvent.change(screen.getByLabelText('Date and time (your time zone)'), { target: { value: moment } });
  await userEvent.click(screen.getByRole('button', { name: 'Show' }));
}

describe('AsOfPanel', () => {
  it('answers what was approved at a moment, by whom, under which sealed snapshot and monitoring plan', async () => {
    const { requests } = renderPage(<AsOfPanel modelId={7} />, { role: 'auditor', routes: { 'GET /models/7/as-of': json(200, approvedThen) } });

    await ask('2026-11-02T10:00');

    expect(await screen.findByText(/^Approved version/)).toHaveTextContent('Approved version v1.0.0 by ada.admin (admin)');
    expect(screen.getByText('c'.repeat(64))).toBeInTheDocument();
    expect(screen.getByText(/^Signed off by demo-admin .*, ada\.admin/)).toBeInTheDocument();
    expect(screen.getByText(/review every 90 days; last changed by mia.owner/)).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '≥ 0.9' })).toBeInTheDocument();
    expect(screen.getByRole('cell', { name: '≤ 0.2' })).toBeInTheDocument();
    // the moment goes to the API as an instant with its zone
    expect(requests[0].query.get('at')).toBe(instantOf('2026-11-02T10:00'));
  });

  it('says when the model did not exist yet, or nothing was approved', async () => {
    renderPage(<AsOfPanel modelId={7} />, {
      routes: { 'GET /models/7/as-of': json(200, { ...approvedThen, existed: false, model: null, approved: null, monitoring_plan: null }) },
    });

    await ask('2020-01-01T00:00');

    expect(await screen.findByText(/did not exist yet/)).toBeInTheDocument();
  });

  it('asks for a moment before calling the API', async () => {
    const { requests } = renderPage(<AsOfPanel modelId={7} />, { routes: {} });

    await userEvent.click(screen.getByRole('button', { name: 'Show' }));

    expect(screen.getByRole('alert')).toHaveTextContent('Choose a date and time.');
    expect(requests).toHaveLength(0);
  });
});
