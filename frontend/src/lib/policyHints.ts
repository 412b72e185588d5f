import type { ActivePolicy, ComplianceStatus, RiskLevel } from '../api/types';

/** What the hints read of a policy: its rules. */
type Rules = Pick<ActivePolicy, 'document'>;
import { statusLabel } from './format';

/** What the active policy asks of one metric at a risk level, in words for the form. */
export interface MetricHint {
  name: string;
  text: string;
  required: boolean;
}

export interface PolicyHints {
  metrics: MetricHint[];
  /** Profile fields the policy requires, with the step that requires them. */
  fields: Record<string, string>;
  /** The metrics asked for, in one line ("accuracy at least 0.9; one of a, b"); empty when none. */
  summary: string;
}

function rulesFor(policy: Rules | undefined, risk: RiskLevel) {
  return (policy?.document.rules ?? []).filter((rule) => rule.risk_levels.includes(risk));
}

function stepText(transitions: ComplianceStatus[]): string {
  return transitions.map((t) => (t === 'approved' ? 'approval' : statusLabel(t).toLowerCase())).join(' and ');
}

/** The metric names, thresholds and required fields of the active policy for a model of `risk`. */
export function policyHints(policy: Rules | undefined, risk: RiskLevel): PolicyHints {
  const metrics = new Map<string, MetricHint>();
  const fields: Record<string, string> = {};
  const asked: string[] = [];
  for (const rule of rulesFor(policy, risk)) {
    const step = stepText(rule.transitions);
    if (rule.kind === 'metric_threshold' && rule.metric) {
      const bounds = [rule.min != null ? `at least ${rule.min}` : null, rule.max != null ? `at most ${rule.max}` : null].filter(Boolean).join(' and ');
      const required = rule.when_missing !== 'not_applicable';
      if (required) asked.push(`${rule.metric} ${bounds}`);
      metrics.set(rule.metric, {
        name: rule.metric,
        text: `${required ? 'Required' : 'When recorded, must be'} ${bounds} for ${step} (${rule.article})`,
        required,
      });
    } else if (rule.kind === 'metric_present' && rule.any_of) {
      asked.push(`one of ${rule.any_of.join(', ')}`);
      for (const name of rule.any_of) {
        if (!metrics.has(name)) {
          metrics.set(name, { name, text: `One of ${rule.any_of.length} bias metrics required for ${step} (${rule.article})`, required: true });
        }
      }
    } else if (rule.kind === 'required_fields' && rule.fields) {
      for (const field of rule.fields) fields[field] = `Required by the policy for ${step} (${rule.article})`;
    }
  }
  return { metrics: [...metrics.values()], fields, summary: asked.join('; ') };
}
