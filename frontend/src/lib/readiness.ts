import type { ComplianceCheck, ComplianceStatus, Obligations } from '../api/types';

/** "review", "approval": the step a check is for, as people say it. */
export function stepName(target: ComplianceStatus | string | null | undefined): string {
  if (target === 'under_review') return 'review';
  if (target === 'approved') return 'approval';
  if (target === 'draft') return 'return to draft';
  if (target === 'retired') return 'retirement';
  return 'the next step';
}

export function checkTitle(check: ComplianceCheck): string {
  if (check.occasion === 'monitoring') return 'Ongoing compliance of the approval';
  if (check.target === 'under_review') return 'Ready to send to review?';
  if (check.target === 'approved') return 'Ready for approval?';
  return check.target ? `Ready for ${stepName(check.target)}?` : 'Policy checklist';
}

const STATUS_WORDS: Record<string, string> = { under_review: 'under review', approved: 'approved', draft: 'draft', retired: 'retired' };

/** A rule's reason without raw codes: "Checked on the way to approved; this check is for under_review." reads as people speak. */
export function humanReason(reason: string): string {
  const later = /^Checked on the way to (\w+); this check is for (\w+)\.$/.exec(reason);
  if (later) return `Checked before ${stepName(later[1])}, not before ${stepName(later[2])}.`;
  return reason.replace(/\b(under_review|approved|draft|retired)\b/g, (word) => STATUS_WORDS[word] ?? word);
}

/** Obligations in force and still open (neither evidenced by the hub nor attested by a person). */
export function openObligations(obligations: Obligations | undefined): number {
  return (obligations?.items ?? []).filter((o) => o.status === 'open').length;
}

export interface Verdict {
  color: 'green' | 'yellow' | 'red' | 'gray';
  title: string;
  lines: string[];
}

function ruleLine(check: ComplianceCheck): string {
  const fails = check.items.filter((i) => i.status === 'fail').length;
  const passes = check.items.filter((i) => i.status === 'pass').length;
  if (fails === 0) return `${stepName(check.target)}: all ${passes} applicable ${passes === 1 ? 'rule passes' : 'rules pass'}`;
  return `${stepName(check.target)}: ${fails} of ${fails + passes} applicable ${fails + passes === 1 ? 'rule fails' : 'rules fail'}`;
}

/**
 * Where a model stands, never better than it is: the next step's rules, approval's (from draft), and the
 * obligations left. "Ready" is said only when every rule passes and no obligation is open.
 */
export function readiness(next: ComplianceCheck, approval: ComplianceCheck | undefined, obligations: Obligations | undefined): Verdict {
  const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  if (next.occasion === 'monitoring' || next.target === null) {
    const open = openObligations(obligations);
    const fails = next.items.filter((i) => i.status === 'fail').length;
    const lines = [fails ? `${fails} ${fails === 1 ? 'rule of the active policy fails' : 'rules of the active policy fail'} now` : 'The active policy still passes'];
    if (open) lines.push(`${open} EU AI Act ${open === 1 ? 'obligation is' : 'obligations are'} open`);
    const ok = fails === 0 && open === 0;
    return { color: ok ? 'green' : fails ? 'red' : 'yellow', title: ok ? 'Compliant with the active policy' : 'Attention needed', lines };
  }
  const open = openObligations(obligations);
  const lines = [capital(ruleLine(next))];
  if (approval) lines.push(capital(ruleLine(approval)));
  const later = (obligations?.items ?? []).filter((o) => o.status === 'not_in_force').length;
  if (obligations) {
    lines.push(
      open > 0
        ? `${open} EU AI Act ${open === 1 ? 'obligation is' : 'obligations are'} open`
        : 'Every obligation in force is evidenced or attested',
    );
  }
  if (later > 0) lines.push(`${later} ${later === 1 ? 'obligation applies' : 'obligations apply'} from a later date`);
  const nextOk = next.outcome !== 'fail';
  const finalCheck = approval ?? next;
  const finalOk = finalCheck.outcome !== 'fail' && open === 0;
  if (!nextOk) return { color: 'red', title: `Not ready for ${stepName(next.target)}`, lines };
  if (approval && !finalOk) return { color: 'yellow', title: 'Ready to send to review; not yet ready for approval', lines };
  if (!finalOk) return { color: 'yellow', title: `Rules pass for ${stepName(next.target)}; obligations still open`, lines };
  if (approval) return { color: 'green', title: 'Ready to send to review; the rules of approval pass as of now', lines };
  return { color: 'green', title: `Ready for ${stepName(finalCheck.target)}`, lines };
}
