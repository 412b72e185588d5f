import { Badge, type BadgeProps } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArchive,
  IconBan,
  IconCircleCheck,
  IconClockHour4,
  IconInfoCircle,
  IconPencil,
  IconShieldCheck,
  type Icon,
} from '@tabler/icons-react';
import type { ComplianceStatus, RiskLevel } from '../api/types';
import { ROLE_LABELS, type Role } from '../auth/roles';
import { RISK_COLORS, STATUS_COLORS, riskLabel, statusLabel } from '../lib/format';

type Extra = Omit<BadgeProps, 'color' | 'children'>;

// Badges never shrink into an ellipsis inside narrow table cells.
const NO_SHRINK = { root: { minWidth: 'max-content', flexShrink: 0 } };

// A shape as well as a colour, so the level and status read without colour vision (WCAG 1.4.1).
const RISK_ICONS: Record<RiskLevel, Icon> = {
  minimal: IconShieldCheck,
  limited: IconInfoCircle,
  high: IconAlertTriangle,
  unacceptable: IconBan,
};
const STATUS_ICONS: Record<ComplianceStatus, Icon> = {
  draft: IconPencil,
  under_review: IconClockHour4,
  approved: IconCircleCheck,
  retired: IconArchive,
};

function badgeIcon(icon: Icon | undefined) {
  const Glyph = icon;
  return Glyph ? <Glyph size={12} stroke={2} aria-hidden /> : undefined;
}

/** A badge is one image-like token for assistive technology: "Risk level: High", not "High" out of context. */
export function RiskBadge({ level, ...props }: { level: RiskLevel | string } & Extra) {
  return (
    <Badge
      color={RISK_COLORS[level as RiskLevel] ?? 'gray'}
      variant="light"
      radius="sm"
      styles={NO_SHRINK}
      leftSection={badgeIcon(RISK_ICONS[level as RiskLevel])}
      role="img"
      aria-label={`Risk level: ${riskLabel(level)}`}
      {...props}
    >
      {riskLabel(level)}
    </Badge>
  );
}

export function StatusBadge({ status, ...props }: { status: ComplianceStatus | string } & Extra) {
  return (
    <Badge
      color={STATUS_COLORS[status as ComplianceStatus] ?? 'gray'}
      variant={status === 'approved' ? 'filled' : 'light'}
      radius="sm"
      styles={NO_SHRINK}
      leftSection={badgeIcon(STATUS_ICONS[status as ComplianceStatus])}
      role="img"
      aria-label={`Status: ${statusLabel(status)}`}
      {...props}
    >
      {statusLabel(status)}
    </Badge>
  );
}

const ROLE_COLORS: Record<Role, string> = { admin: 'grape', model_owner: 'indigo', auditor: 'cyan' };

export function RoleBadge({ role, ...props }: { role: Role | string | null | undefined } & Extra) {
  const known = role && role in ROLE_LABELS ? (role as Role) : null;
  return (
    <Badge color={known ? ROLE_COLORS[known] : 'gray'} variant="outline" radius="sm" styles={NO_SHRINK} {...props}>
      {known ? ROLE_LABELS[known] : role || 'No role'}
    </Badge>
  );
}
