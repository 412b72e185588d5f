import { describe, expect, it } from 'vitest';
import type { ActivePolicy } from '../api/types';
import { policyHints } from './policyHints';

const policy: Pick<ActivePolicy, 'document'> = {
  document: {
    name: 'Baseline',
    rules: [
      { id: 'acc', kind: 'metric_threshold', article: 'Art. 15', description: '', risk_levels: ['high'], transitions: ['approved'], metric: 'accuracy', min: 0.9, max: null, when_missing: 'fail' },
      { id: 'bias', kind: 'metric_present', article: 'Art. 10', description: '', risk_levels: ['high'], transitions: ['approved'], any_of: ['demographic_parity_difference', 'disparate_impact_ratio'] },
      { id: 'dp', kind: 'metric_threshold', article: 'Art. 10', description: '', risk_levels: ['high'], transitions: ['approved'], metric: 'demographic_parity_difference', min: null, max: 0.1, when_missing: 'not_applicable' },
      { id: 'docs', kind: 'required_fields', article: 'Art. 11', description: '', risk_levels: ['high'], transitions: ['approved'], fields: ['data_sources'] },
      { id: 'purpose', kind: 'required_fields', article: 'Art. 50', description: '', risk_levels: ['limited'], transitions: ['approved'], fields: ['intended_purpose'] },
    ],
  },
};

describe('policyHints', () => {
  it('names the metrics, thresholds and fields the policy requires at a risk level', () => {
    const hints = policyHints(policy, 'high');
    expect(hints.metrics.map((m) => m.name)).toEqual(['accuracy', 'demographic_parity_difference', 'disparate_impact_ratio']);
    expect(hints.metrics[0].text).toBe('Required at least 0.9 for approval (Art. 15)');
    expect(hints.metrics[1].text).toBe('When recorded, must be at most 0.1 for approval (Art. 10)');
    expect(hints.fields).toEqual({ data_sources: 'Required by the policy for approval (Art. 11)' });
    expect(hints.summary).toBe('accuracy at least 0.9; one of demographic_parity_difference, disparate_impact_ratio');
  });

  it('asks nothing of a risk level the rules do not cover, nor without a policy', () => {
    expect(policyHints(policy, 'minimal')).toEqual({ metrics: [], fields: {}, summary: '' });
    expect(policyHints(undefined, 'high')).toEqual({ metrics: [], fields: {}, summary: '' });
    expect(policyHints(policy, 'limited').fields).toEqual({ intended_purpose: 'Required by the policy for approval (Art. 50)' });
  });
});
