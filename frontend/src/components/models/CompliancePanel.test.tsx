import { screen, within } from '@testing-library/react';
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
    expect(await screen.findByRole('heading', { name: 'Ready for Under review?' })).toBeInTheDocument();
    expect(screen.getByText('1 rule fails')).toBeInTheDocument();
    const rules = screen.getByRole('list', { name: 'Policy rules' });
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

  it('is quiet where the policy engine is not deployed', async () => {
    renderPage(<CompliancePanel modelId={7} revision={3} />, { role: 'auditor', routes: {} });
    expect(await screen.findByText('The policy checklist is not available on this deployment yet.')).toBeInTheDocument();
  });
});
