import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { json, renderPage, sampleModel } from '../../test/helpers';
import { ClassificationPanel } from './ClassificationPanel';

const questionnaire = {
  version: '2026.12.1',
  title: 'EU AI Act risk classification',
  law: 'Regulation (EU) 2024/1689',
  sections: [
    { id: 'annex_iii', title: 'High-risk use cases', provision: 'Art. 6(2), Annex III' },
    { id: 'derogations', title: 'Derogations for Annex III systems', provision: 'Art. 6(3)' },
  ],
  areas: {},
  questions: [
    { id: 'annex3_4_a_recruitment', section: 'annex_iii', provision: 'Annex III 4(a)', text: 'Is it used for recruitment?' },
    { id: 'art6_3_profiling', section: 'derogations', provision: 'Art. 6(3), last subparagraph', text: 'Does it profile people?',
      ask_if: ['annex3_4_a_recruitment'] },
  ],
};
const unclassified = {
  model_id: 7, model_name: 'fraud-detector-v2', revision: 3, risk_level: 'high', operator_role: null, classified: false,
  suggested_risk_level: null, questionnaire_version: null, basis: [], flags: {}, answered_yes: [], summary: null,
};
const classified = {
  ...unclassified, revision: 4, operator_role: 'provider', classified: true, suggested_risk_level: 'high', questionnaire_version: '2026.12.1',
  basis: [{ provision: 'Annex III 4(a)', reason: "Answered yes to 'annex3_4_a_recruitment'", question_id: 'annex3_4_a_recruitment', effect: 'level' }],
  flags: { registration_required: true }, answered_yes: ['annex3_4_a_recruitment'],
  summary: { suggested_risk_level: 'high', questionnaire_version: '2026.12.1', classified_by: 'demo-owner', classified_at: '2026-12-01T10:00:00+00:00',
    override: false, justification: null },
};

describe('ClassificationPanel', () => {
  it('asks the derogations only for an Annex III use, sends the answers and shows the basis', async () => {
    const onChanged = vi.fn();
    const { requests } = renderPage(
      <ClassificationPanel model={sampleModel({ revision: 3 })} canWrite onChanged={onChanged} onReload={async () => undefined} />,
      {
        role: 'model_owner',
        routes: {
          'GET /classification/questionnaire': json(200, questionnaire),
          'GET /models/7/classification': json(200, unclassified),
          'POST /models/7/classification': json(200, classified),
        },
      },
    );
    expect(await screen.findByText('Not classified')).toBeInTheDocument();
    expect(screen.queryByLabelText(/Does it profile people/)).not.toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('Annex III 4(a): Is it used for recruitment?'));
    expect(screen.getByLabelText('Art. 6(3), last subparagraph: Does it profile people?')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Classify' }));
    const basis = await screen.findByRole('table', { name: 'Basis' });
    expect(within(basis).getByText('Annex III 4(a)')).toBeInTheDocument();
    expect(screen.getByText('Agrees with the model')).toBeInTheDocument();
    const sent = requests.find((r) => r.method === 'POST');
    expect(sent?.body).toEqual({ answers: { annex3_4_a_recruitment: true }, operator_role: 'provider', expected_revision: 3 });
    expect(onChanged).toHaveBeenCalled();
  });

  it('shows an override with its justification, and auditors see no form', async () => {
    const override = { ...classified, risk_level: 'minimal', summary: { ...classified.summary, override: true, justification: 'Only sorts CVs' } };
    renderPage(<ClassificationPanel model={sampleModel()} canWrite={false} onChanged={() => undefined} onReload={async () => undefined} />, {
      role: 'auditor',
      routes: { 'GET /classification/questionnaire': json(200, questionnaire), 'GET /models/7/classification': json(200, override) },
    });
    expect(await screen.findByText('Override')).toBeInTheDocument();
    expect(screen.getByText(/Justification: Only sorts CVs/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Classify' })).not.toBeInTheDocument();
  });
});
