import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, renderPage } from '../../test/helpers';
import { CompliancePanel } from './CompliancePanel';

const check = {
  model_id: 7,
  target: 'under_review',
  occasion: 'transition',
  outcome: 'fail',
  policy_version: 2,
  policy_name: 'EU AI Act baseline',
  evaluated_at: '2026-11-25T10:00:00+00:00',
  summary: { pass: 1, fail: 1, not_applicable: 0 },
  items: [
    { rule_id: 'artifact-registered', kind: 'registered_version', status: 'fail', reason: 'No version is registered.', article: 'Art. 11' },
    { rule_id: 'high-risk-documentation', kind: 'required_fields', status: 'pass', reason: 'Documented.', article: 'Annex IV' },
  ],
};

describe('CompliancePanel', () => {
  it('shows which rules block the next step and why', async () => {
    renderPage(<CompliancePanel modelId={7} revision={3} />, {
      role: 'auditor',
      routes: {
        'GET /models/7/compliance-check': json(200, check),
        'GET /models/7/obligations': json(200, { model_id: 7, risk_level: 'high', policy_version: 2, summary: {}, items: [] }),
      },
    });
    expect(await screen.findByRole('heading', { name: 'Ready to send to review?' })).toBeInTheDocument();
    expect(screen.getByText('1 rule fails')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Not ready for review');
    const rules = screen.getByRole('list', { name: 'Checklist for review rules' });
    const failing = within(rules).getAllByRole('listitem')[0];
    expect(within(failing).getByLabelText('Fails')).toBeInTheDocument();
    expect(failing).toHaveTextContent('artifact-registered Art. 11');
    expect(failing).toHaveTextContent('No version is registered.');
  });

  it('lists each obligation with what covers it and what is left outside the hub', async () => {
    const obligations = {
      model_id: 7, risk_level: 'high', operator_role: 'provider', role_assumed: false, policy_version: 2, summary: { evidenced: 1, open: 1 },
      items: [
        { article: 'Art. 12', title: 'Record-keeping', summary: 'Events are recorded automatically.', mandatory: true, status: 'evidenced',
          applies_from: '2027-12-02', in_force: false, days_until: 361,
          covered_by: [{ source: 'hub', ref: 'audit-trail', satisfied: true, detail: 'Every change is in the hash-chained audit trail.' }],
          manual: 'Runtime logging inside the deployed system.' },
        { article: 'Art. 14', title: 'Human oversight', summary: 'The system can be overseen by people.', mandatory: true, status: 'open',
          covered_by: [{ source: 'field', ref: 'oversight_plan', satisfied: false, detail: 'Human oversight plan: empty.' }], manual: null },
      ],
    };
    renderPage(<CompliancePanel modelId={7} revision={3} />, {
      role: 'auditor',
      routes: { 'GET /models/7/compliance-check': json(200, check), 'GET /models/7/obligations': json(200, obligations) },
    });
    const table = await screen.findByRole('table', { name: 'Obligations' });
    const [, recordKeeping, oversight] = within(table).getAllByRole('row');
    expect(recordKeeping).toHaveTextContent('Art. 12');
    expect(recordKeeping).toHaveTextContent('Evidenced');
    expect(recordKeeping).toHaveTextContent('from 2027-12-02 (in 361 days)');
    expect(within(recordKeeping).getByLabelText('There')).toBeInTheDocument();
    expect(recordKeeping).toHaveTextContent('Every change is in the hash-chained audit trail.');
    expect(recordKeeping).toHaveTextContent('Outside the hub: Runtime logging inside the deployed system.');
    expect(oversight).toHaveTextContent('Open');
    expect(within(oversight).getByLabelText('Missing')).toBeInTheDocument();
    expect(oversight).toHaveTextContent('Human oversight plan: empty.');
  });

  it('from draft, shows what approval will require and never "all pass" while obligations are open', async () => {
    const review = { ...check, outcome: 'pass', summary: { pass: 1, fail: 0, not_applicable: 1 }, items: [
      { rule_id: 'artifact-registered', kind: 'registered_version', status: 'pass', reason: 'Version v1 is registered.', article: 'Art. 11' },
      { rule_id: 'accuracy-minimum', kind: 'metric_threshold', status: 'not_applicable', reason: 'Checked on the way to approved; this check is for under_review.', article: 'Art. 15' },
    ] };
    const approval = { ...check, target: 'approved', outcome: 'fail', items: [
      { rule_id: 'accuracy-minimum', kind: 'metric_threshold', status: 'fail', reason: 'accuracy is 0.87, below the minimum 0.9.', article: 'Art. 15' },
    ] };
    const obligations = { model_id: 7, risk_level: 'high', policy_version: 2, summary: { open: 1 }, items: [
      { article: 'Art. 14', title: 'Human oversight', summary: '', mandatory: true, status: 'open', covered_by: [], manual: null },
    ] };
    renderPage(<CompliancePanel modelId={7} revision={3} status="draft" />, {
      role: 'auditor',
      routes: {
        'GET /models/7/compliance-check': (req) => json(200, req.query.get('target') === 'approved' ? approval : review),
        'GET /models/7/obligations': json(200, obligations),
      },
    });
    expect(await screen.findByRole('heading', { name: 'Ready for approval?' })).toBeInTheDocument();
    const verdict = screen.getByRole('status');
    expect(verdict).toHaveTextContent('Ready to send to review; not yet ready for approval');
    expect(verdict).toHaveTextContent('Approval: 1 of 1 applicable rule fails');
    expect(verdict).toHaveTextContent('1 EU AI Act obligation is open');
    expect(screen.queryByText('All rules pass')).not.toBeInTheDocument();
    expect(screen.getByText('Rules pass · 1 obligation open')).toBeInTheDocument();
    expect(screen.getByText('1 more rule applies only at a later step (approval, checked below).')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('under_review');
  });

  it('lets a model owner attest an obligation with what was done and why', async () => {
    const item = { id: 'art-49', article: 'Art. 49(1)', title: 'Registration in the EU database', summary: 'Registered before the market.',
      mandatory: true, status: 'open', applies_from: '2025-01-01', in_force: true, days_until: 0, covered_by: [], manual: 'Register it.' };
    const attested = { ...item, status: 'attested', attestation: { statement: 'Registered under EU-AI-1', reason: 'I did it',
      attested_by: 'demo-owner', attested_at: '2026-12-01T10:00:00+00:00' } };
    let calls = 0;
    const { requests } = renderPage(<CompliancePanel modelId={7} revision={3} canWrite />, {
      role: 'model_owner',
      routes: {
        'GET /models/7/compliance-check': json(200, check),
        'GET /models/7/obligations': () => json(200, { model_id: 7, risk_level: 'high', policy_version: 2, summary: {},
          items: [calls++ === 0 ? item : attested] }),
        'POST /models/7/attestations': json(201, {}),
      },
    });
    (await screen.findByRole('button', { name: 'Attest Art. 49(1)' })).click();
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText(/What was done/), { target: { value: 'Registered under EU-AI-1' } });
    fireEvent.change(within(dialog).getByLabelText(/Why you can attest it/), { target: { value: 'I did it' } });
    within(dialog).getByRole('button', { name: 'Attest' }).click();
    expect(await screen.findByText(/Attested by demo-owner on 2026-12-01: Registered under EU-AI-1/)).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ obligation_id: 'art-49', statement: 'Registered under EU-AI-1', reason: 'I did it' });
  });

  it('lets a model owner withdraw an attestation that no longer holds, with why', async () => {
    const attested = { id: 'art-49', article: 'Art. 49(1)', title: 'Registration in the EU database', summary: 'Registered before the market.',
      mandatory: true, status: 'attested', applies_from: '2025-01-01', in_force: true, days_until: 0, covered_by: [], manual: 'Register it.',
      attestation: { statement: 'Registered under EU-AI-9', reason: 'I did it', attested_by: 'demo-owner', attested_by_role: 'model_owner',
        attested_at: '2026-12-01T10:00:00+00:00', revision: 4 } };
    const open = { ...attested, status: 'open', attestation: null };
    let calls = 0;
    const { requests } = renderPage(<CompliancePanel modelId={7} revision={3} canWrite />, {
      role: 'model_owner',
      routes: {
        'GET /models/7/compliance-check': json(200, check),
        'GET /models/7/obligations': () => json(200, { model_id: 7, risk_level: 'high', policy_version: 2, summary: {},
          items: [calls++ === 0 ? attested : open] }),
        'POST /models/7/attestations/art-49/withdrawal': json(200, {}),
      },
    });
    (await screen.findByRole('button', { name: 'Withdraw the attestation of Art. 49(1)' })).click();
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('“Registered under EU-AI-9”, attested by demo-owner. It stays on record, marked withdrawn.');
    within(dialog).getByRole('button', { name: 'Withdraw' }).click();
    expect(await within(dialog).findByText('Say why it no longer holds')).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText(/Why it no longer holds/), { target: { value: 'Wrong number' } });
    within(dialog).getByRole('button', { name: 'Withdraw' }).click();
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Withdraw the attestation of Art. 49(1)' })).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Attest Art. 49(1)' })).toHaveTextContent(/^Attest$/);
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ reason: 'Wrong number', expected_revision: 4 });
  });

  it('is quiet where the policy engine is not deployed', async () => {
    renderPage(<CompliancePanel modelId={7} revision={3} />, { role: 'auditor', routes: {} });
    expect(await screen.findByText('The policy checklist is not available on this deployment yet.')).toBeInTheDocument();
  });
});
