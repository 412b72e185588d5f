import { describe, expect, it } from 'vitest';
import { formatAuditValue, formatMetric, formatRelative, humanizeAction } from './format';

describe('format', () => {
  it('names audit actions the way a reader says them', () => {
    expect(humanizeAction('status_change')).toBe('Status changed');
    expect(humanizeAction('report_generated')).toBe('Report generated');
    expect(humanizeAction('policy.replaced')).toBe('Policy replaced');
  });

  it('shows audited values readably: enum labels, dates, long text cut short', () => {
    expect(formatAuditValue('compliance_status', 'under_review')).toBe('Under review');
    expect(formatAuditValue('risk_level', 'unacceptable')).toBe('Unacceptable');
    expect(formatAuditValue('approved_at', '2026-11-25T16:21:33.350510+00:00')).not.toContain('T16');
    expect(formatAuditValue('description', 'x'.repeat(200))).toHaveLength(78);
    expect(formatAuditValue('sha256', null)).toBe('—');
  });

  it('prints metrics without trailing zeros and times relative to now', () => {
    expect(formatMetric(0.95)).toBe('0.95');
    expect(formatMetric(3)).toBe('3');
    expect(formatMetric(2.00001)).toBe('2');
    expect(formatMetric(120.5)).toBe('120.5');
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(formatRelative('2026-11-25T11:58:00Z', now)).toBe('2 minutes ago');
  });
});
