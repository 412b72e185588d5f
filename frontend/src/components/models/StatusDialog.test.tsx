import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { json, renderPage, sampleModel, type RouteTable } from '../../test/helpers';
import { StatusDialog } from './StatusDialog';

function open(routes: RouteTable, model = sampleModel()) {
  const onSaved = vi.fn();
  const onReload = vi.fn(async () => model);
  const harness = renderPage(
    <StatusDialog model={model} opened onClose={() => {}} onSaved={onSaved} onReload={onReload} />,
    { role: 'model_owner', routes },
  );
  return { ...harness, onSaved, onReload };
}

describe('StatusDialog', () => {
  it('offers only the transitions the model allows', async () => {
    open({});
    expect(await screen.findByRole('radio', { name: /Send to review/ })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: /Retire/ })).toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: /Approve/ })).not.toBeInTheDocument();
  });

  it('requires a reason before it sends anything', async () => {
    const { requests } = open({});
    await userEvent.click(await screen.findByRole('radio', { name: /Send to review/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Confirm status change' }));
    expect(await screen.findByText('A reason is required')).toBeInTheDocument();
    expect(requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('sends status, reason and expected revision, then hands back the saved model', async () => {
    const saved = sampleModel({ compliance_status: 'under_review', revision: 4 });
    const { requests, onSaved } = open({ 'PATCH /models/7/compliance-status': json(200, saved) });
    await userEvent.click(await screen.findByRole('radio', { name: /Send to review/ }));
    await userEvent.type(screen.getByLabelText(/Reason/), 'Metrics complete');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm status change' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
    expect(requests.find((r) => r.method === 'PATCH')?.body).toEqual({ status: 'under_review', reason: 'Metrics complete', expected_revision: 3 });
  });

  it('shows the rules that block the chosen step and the open obligations before confirming', async () => {
    const model = sampleModel({ compliance_status: 'under_review', allowed_transitions: ['approved', 'draft', 'retired'] });
    const { requests } = open(
      {
        'GET /models/7/compliance-check': json(200, {
          model_id: 7, target: 'approved', occasion: 'transition', outcome: 'fail', policy_version: 1, policy_name: 'Baseline',
          evaluated_at: '2026-12-01T00:00:00Z', summary: {},
          items: [{ rule_id: 'accuracy-minimum', kind: 'metric_threshold', status: 'fail', reason: 'accuracy is 0.87, below the minimum 0.9.', article: 'Art. 15' }],
        }),
        'GET /models/7/obligations': json(200, { model_id: 7, risk_level: 'high', policy_version: 1, summary: {}, items: [
          { article: 'Art. 14', title: 'Human oversight', summary: '', mandatory: true, status: 'open' },
        ] }),
      },
      model,
    );
    await userEvent.click(await screen.findByRole('radio', { name: /Approve/ }));
    const blocking = await screen.findByRole('list', { name: 'Blocking rules' });
    expect(blocking).toHaveTextContent('accuracy-minimum: accuracy is 0.87, below the minimum 0.9. (Art. 15)');
    expect(screen.getByText('1 rule blocks this step')).toBeInTheDocument();
    expect(screen.getByText('Open EU AI Act obligations: Art. 14 Human oversight.')).toBeInTheDocument();
    expect(requests.filter((r) => r.path === '/models/7/compliance-check').map((r) => r.query.get('target'))).toContain('approved');
  });

  it('shows the allowed states when the API refuses the transition', async () => {
    const { onReload } = open({
      'PATCH /models/7/compliance-status': json(409, {
        error: { code: 'transition_not_allowed', message: 'draft -> approved', details: { allowed: ['under_review', 'retired'] } },
      }),
    });
    await userEvent.click(await screen.findByRole('radio', { name: /Retire/ }));
    await userEvent.type(screen.getByLabelText(/Reason/), 'End of life');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm status change' }));
    expect(await screen.findByText(/can only move to: Under review, Retired/)).toBeInTheDocument();
    expect(onReload).toHaveBeenCalled();
  });

  it('lists the failed policy rules with their articles', async () => {
    open({
      'PATCH /models/7/compliance-status': json(422, {
        error: {
          code: 'policy_violation',
          message: 'Policy checks failed',
          details: {
            failed_rules: [
              { rule: 'oversight_plan_required', reason: 'High-risk models need a human oversight plan', article: 'Art. 14' },
              { rule: 'metrics_required', reason: 'No evaluation metrics on the latest version', article: 'Art. 15' },
            ],
          },
        },
      }),
    });
    await userEvent.click(await screen.findByRole('radio', { name: /Send to review/ }));
    await userEvent.type(screen.getByLabelText(/Reason/), 'Ready');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm status change' }));
    const list = await screen.findByRole('list', { name: 'Failed policy rules' });
    expect(list).toHaveTextContent('oversight_plan_required: High-risk models need a human oversight plan (Art. 14)');
    expect(list).toHaveTextContent('metrics_required');
  });

  it('shows how many sign-offs an approval still needs before confirming', async () => {
    const model = sampleModel({
      compliance_status: 'under_review',
      allowed_transitions: ['approved', 'draft', 'retired'],
      latest_version: { id: 11, version_tag: 'v1' },
      approval: {
        required_signoffs: 2,
        signoffs: [{ by: 'ada.admin', role: 'admin', at: '2026-12-01T10:00:00Z', reason: 'ok', version_id: 11 }],
        snapshot_sha256: null,
        sealed_at: null,
        policy_version: null,
        invalidated: null,
      },
    });
    const check = {
      model_id: 7, target: 'approved', outcome: 'pass', policy_version: 1, policy_name: 'p', evaluated_at: '2026-12-01T10:00:00Z',
      summary: {}, items: [{ rule_id: 'two', kind: 'sign_off', status: 'pass', reason: '', article: 'Art. 14(5)', evidence: { required: 2 } }],
    };
    open({ 'GET /models/7/compliance-check': json(200, check) }, model);
    await userEvent.click(await screen.findByRole('radio', { name: /Approve/ }));
    expect(await screen.findByText('1 of 2 sign-offs')).toBeInTheDocument();
    expect(screen.getByText(/Signed off by ada.admin/)).toBeInTheDocument();
    expect(screen.getByText(/Your sign-off completes the approval/)).toBeInTheDocument();
  });
});
