import { describe, expect, it } from 'vitest';
import { boundsText, deadlineCountdown, reviewDue } from './monitoring';

const NOW = Date.parse('2026-12-06T12:00:00Z');

describe('deadlineCountdown', () => {
  it('counts the days left of an owed initial report', () => {
    expect(deadlineCountdown({ deadline_at: '2026-12-09T13:00:00Z', status: 'open' }, NOW)).toEqual({ overdue: false, text: '3 days left' });
  });
  it('says by how much a report is overdue, in words', () => {
    expect(deadlineCountdown({ deadline_at: '2026-12-04T11:00:00Z', status: 'open' }, NOW)).toEqual({ overdue: true, text: 'Overdue by 2 days' });
  });
  it('has no countdown once the initial report is sent', () => {
    expect(deadlineCountdown({ deadline_at: '2026-12-04T11:00:00Z', status: 'initial_report_sent' }, NOW)).toBeNull();
  });
});

describe('reviewDue and boundsText', () => {
  it('says when a review is due or overdue', () => {
    expect(reviewDue({ due_at: '2026-12-10T12:00:00Z' }, NOW).text).toBe('Due in 4 days');
    expect(reviewDue({ due_at: '2026-12-05T12:00:00Z' }, NOW)).toEqual({ overdue: true, text: 'Overdue by 1 day' });
  });
  it('writes bounds as a reader says them', () => {
    expect(boundsText({ min: 0.9, max: null })).toBe('≥ 0.9');
    expect(boundsText({ min: null, max: 0.1 })).toBe('≤ 0.1');
  });
});
