/** Wording of post-market monitoring and incident deadlines: said in words, never by colour alone. */
import type { Incident, PlannedMetric, ReviewSchedule } from '../api/types';

const DAY = 86_400_000;

export interface Countdown {
  overdue: boolean;
  text: string;
}

/** The Art. 73 clock of an incident whose initial report is owed, e.g. "3 days left" or "Overdue by 2 days". */
export function deadlineCountdown(incident: Pick<Incident, 'deadline_at' | 'status'>, now: number = Date.now()): Countdown | null {
  if (!incident.deadline_at || incident.status !== 'open') return null;
  const left = new Date(incident.deadline_at).getTime() - now;
  const days = Math.abs(left) / DAY;
  const amount = days >= 1 ? `${Math.floor(days)} day${Math.floor(days) === 1 ? '' : 's'}` : `${Math.max(1, Math.round(days * 24))} h`;
  return left < 0 ? { overdue: true, text: `Overdue by ${amount}` } : { overdue: false, text: `${amount} left` };
}

/** "Overdue since 3 Dec" or "Due in 4 days" for a periodic review. */
export function reviewDue(schedule: Pick<ReviewSchedule, 'due_at'>, now: number = Date.now()): Countdown {
  const left = new Date(schedule.due_at).getTime() - now;
  const days = Math.ceil(Math.abs(left) / DAY);
  return left < 0
    ? { overdue: true, text: `Overdue by ${days} day${days === 1 ? '' : 's'}` }
    : { overdue: false, text: `Due in ${days} day${days === 1 ? '' : 's'}` };
}

/** The bounds of a planned metric, e.g. "≥ 0.9", "≤ 0.1", "0.2 – 0.8". */
export function boundsText(metric: Pick<PlannedMetric, 'min' | 'max'>): string {
  if (metric.min != null && metric.max != null) return `${metric.min} – ${metric.max}`;
  if (metric.min != null) return `≥ ${metric.min}`;
  return `≤ ${metric.max}`;
}
