import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../api/types';
import { sampleModel } from '../test/helpers';
import { approvalsPerWeek, byTeam, flaggedApprovals, waitingForReview, weekOf } from './attention';

const NOW = Date.parse('2026-12-10T12:00:00Z');

describe('needs attention', () => {
  it('puts the longest wait first and marks reopened approvals', () => {
    const waiting = waitingForReview(
      [
        sampleModel({ id: 1, name: 'a', compliance_status: 'under_review', updated_at: '2026-12-08T12:00:00Z' }),
        sampleModel({ id: 2, name: 'b', compliance_status: 'under_review', updated_at: '2026-11-20T12:00:00Z',
          last_change_reason: 'Approval invalidated: intended_purpose changed' }),
        sampleModel({ id: 3, name: 'c', compliance_status: 'draft' }),
        sampleModel({ id: 4, name: 'd', compliance_status: 'under_review', updated_at: '2026-12-09T12:00:00Z',
          approval: { required_signoffs: 2, signoffs: [{ by: 'x', role: 'admin', at: '2026-12-09T12:00:00Z', reason: 'ok', version_id: 1 }],
            snapshot_sha256: null, sealed_at: null, policy_version: 1, invalidated: null } }),
      ],
      NOW,
    );
    expect(waiting.map((w) => [w.model.name, w.days, w.reopened, w.signoffs])).toEqual([
      ['b', 20, true, null], ['a', 2, false, null], ['d', 1, false, '1 of 2 sign-offs'],
    ]);
  });

  it('splits stale metrics from other policy violations', () => {
    const violation = (kind: string) => ({ rule_id: kind, kind, reason: 'r', article: 'Art. 15', policy_version: 1, detected_at: '2026-12-01T00:00:00Z' });
    const { stale, violations } = flaggedApprovals([
      sampleModel({ id: 1, compliance_status: 'approved', policy_violations: [violation('metric_freshness'), violation('metric_threshold')] }),
      sampleModel({ id: 2, compliance_status: 'approved', policy_violations: [] }),
    ]);
    expect(stale.map((f) => f.model.id)).toEqual([1]);
    expect(violations.map((f) => f.rules.map((r) => r.rule_id))).toEqual([['metric_threshold']]);
  });

  it('counts approvals per week, empty weeks included, other status changes not', () => {
    const record = (time: string, after: string): AuditRecord => ({
      model_id: 1, sequence: 1, time, actor: { username: 'x', role: 'admin' }, action: 'status_change', schema: 'govhub.audit/1', event_id: time,
      entity: 'model', entity_id: 1, reason: 'r', hash: 'h', prev_hash: 'g',
      changes: { compliance_status: { before: 'under_review', after } },
    });
    const weeks = approvalsPerWeek([record('2026-12-09T10:00:00Z', 'approved'), record('2026-12-08T10:00:00Z', 'approved'),
      record('2026-11-25T10:00:00Z', 'approved'), record('2026-12-09T11:00:00Z', 'retired')], 3, NOW);
    expect(weeks).toEqual([{ week: '2026-11-23', count: 1 }, { week: '2026-11-30', count: 0 }, { week: '2026-12-07', count: 2 }]);
    expect(weekOf('2026-12-07T00:00:00Z')).toBe('2026-12-07');
  });

  it('groups by team, falling back to the owner', () => {
    const rows = byTeam([
      sampleModel({ id: 1, team: 'fraud', owner: 'X', compliance_status: 'approved', risk_level: 'high' }),
      sampleModel({ id: 2, team: 'fraud', owner: 'Y', compliance_status: 'draft', risk_level: 'minimal' }),
      sampleModel({ id: 3, team: null, owner: 'Growth Team', compliance_status: 'under_review', risk_level: 'limited' }),
    ]);
    expect(rows).toEqual([
      { team: 'fraud', total: 2, approved: 1, underReview: 0, draft: 1, highRisk: 1 },
      { team: 'Growth Team', total: 1, approved: 0, underReview: 1, draft: 0, highRisk: 0 },
    ]);
  });
});
