import { Alert, Code, Group, List, Stack, Text } from '@mantine/core';
import type { Model } from '../../api/types';
import { formatDateTime } from '../../lib/format';

/** What was approved and by whom: the sealed snapshot's hash, the sign-offs, and why an approval was reopened. */
export function ApprovalSummary({ model }: { model: Model }) {
  const approval = model.approval;
  if (!approval) return null;
  const candidate = model.latest_version?.id ?? null;
  const given = approval.signoffs.filter((s) => s.version_id === candidate);
  const reopened = approval.invalidated && model.compliance_status === 'under_review';
  return (
    <Stack gap="xs" aria-label="Approval">
      {approval.snapshot_sha256 && (
        <div>
          <Text size="sm" c="dimmed">
            Approval snapshot (SHA-256)
          </Text>
          <Code block fz="xs" style={{ wordBreak: 'break-all', whiteSpace: 'normal' }} data-testid="approval-sha256">
            {approval.snapshot_sha256}
          </Code>
          {approval.sealed_at && (
            <Text size="xs" c="dimmed">
              Sealed {formatDateTime(approval.sealed_at)}
              {approval.policy_version !== null ? ` under policy v${approval.policy_version}` : ''}
            </Text>
          )}
        </div>
      )}
      {model.compliance_status === 'under_review' && approval.required_signoffs > 1 && (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            Sign-offs
          </Text>
          <Text size="sm" fw={600} data-testid="signoff-progress">
            {given.length} of {approval.required_signoffs} sign-offs
          </Text>
        </Group>
      )}
      {given.length > 0 && (
        <List size="sm" spacing={2} aria-label={approval.snapshot_sha256 ? 'Approved by' : 'Sign-offs given'}>
          {given.map((s) => (
            <List.Item key={`${s.by}-${s.at}`}>
              {s.by} ({s.role}), {formatDateTime(s.at)}: {s.reason}
            </List.Item>
          ))}
        </List>
      )}
      {reopened && approval.invalidated && (
        <Alert color="orange" variant="light" title="Approval invalidated: back under review" role="status">
          {approval.invalidated.fields.join(', ')} changed on {formatDateTime(approval.invalidated.at)} by{' '}
          {approval.invalidated.by}. The approval sealed as{' '}
          <Code fz="xs">{approval.invalidated.snapshot_sha256.slice(0, 16)}…</Code> is no longer in force.
        </Alert>
      )}
    </Stack>
  );
}
