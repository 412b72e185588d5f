import { Alert, Badge, Card, Group, List, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCheck, IconMinus, IconX } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { CheckStatus, ComplianceCheck, ComplianceCheckItem, ComplianceStatus, Obligation, Obligations } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { formatDateTime } from '../../lib/format';
import { NARROW } from '../../lib/layout';
import { checkTitle, humanReason, openObligations, readiness, stepName } from '../../lib/readiness';
import { ScrollRegion } from '../ScrollRegion';
import { ErrorState, LoadingState, NotAvailable } from '../States';

const CHECK_ICONS: Record<CheckStatus, { color: string; icon: typeof IconCheck; label: string }> = {
  pass: { color: 'green', icon: IconCheck, label: 'Passes' },
  fail: { color: 'red', icon: IconX, label: 'Fails' },
  not_applicable: { color: 'gray', icon: IconMinus, label: 'Not applicable' },
};

const OBLIGATION_COLORS: Record<Obligation['status'], string> = { met: 'green', partial: 'yellow', open: 'red', manual: 'gray' };
const OBLIGATION_LABELS: Record<Obligation['status'], string> = {
  met: 'Met',
  partial: 'Partly met',
  open: 'Open',
  manual: 'Manual check',
};

/** One rule's line: an icon with its meaning, the rule and article, and why it passes or fails, in words. */
function RuleLine({ item }: { item: ComplianceCheckItem }) {
  const look = CHECK_ICONS[item.status] ?? CHECK_ICONS.not_applicable;
  const Icon = look.icon;
  return (
    <Group component="li" gap="sm" wrap="nowrap" align="flex-start">
      <ThemeIcon color={look.color} variant="light" size={22} radius="xl" role="img" aria-label={look.label}>
        <Icon size={14} />
      </ThemeIcon>
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text size="sm">
          <Text span fw={600} ff="monospace" size="sm">
            {item.rule_id}
          </Text>
          <Text span c="dimmed" size="xs">
            {' '}
            {item.article}
          </Text>
        </Text>
        <Text size="sm" c={item.status === 'fail' ? 'red.9' : 'dimmed'}>
          {humanReason(item.reason || item.description || '')}
        </Text>
      </Stack>
    </Group>
  );
}

function Checklist({ check, obligations, label }: { check: ComplianceCheck; obligations?: Obligations; label?: string }) {
  const failing = check.items.filter((i) => i.status === 'fail').length;
  const applicable = check.items.filter((i) => i.status !== 'not_applicable');
  const skipped = check.items.filter((i) => i.status === 'not_applicable');
  const laterStep = skipped.filter((i) => /^Checked on the way to /.test(i.reason)).length;
  const open = openObligations(obligations);
  return (
    <Card padding="lg" component="section" aria-label={label ?? 'Policy checklist'}>
      <Group justify="space-between" mb="sm" align="flex-start">
        <Stack gap={2}>
          <Title order={3} fz="md">
            {checkTitle(check)}
          </Title>
          <Text size="xs" c="dimmed">
            {check.policy_name} (version {check.policy_version}), evaluated {formatDateTime(check.evaluated_at)}
          </Text>
        </Stack>
        {check.outcome === 'pass' && (
          <Badge color={open > 0 ? 'yellow' : 'green'} variant="light" size="lg">
            {open > 0 ? `Rules pass · ${open} ${open === 1 ? 'obligation' : 'obligations'} open` : 'All rules pass'}
          </Badge>
        )}
        {check.outcome === 'fail' && (
          <Badge color="red" variant="light" size="lg">
            {failing} {failing === 1 ? 'rule fails' : 'rules fail'}
          </Badge>
        )}
      </Group>
      {check.target === null && (
        <Text size="sm" c="dimmed" mb="sm">
          The model has no next step to check.
        </Text>
      )}
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={`${label ?? 'Policy'} rules`}>
        {applicable.map((item) => (
          <RuleLine key={item.rule_id} item={item} />
        ))}
      </Stack>
      {laterStep > 0 && (
        <Text size="sm" c="dimmed" mt="sm">
          {laterStep} more {laterStep === 1 ? 'rule applies' : 'rules apply'} only at a later step{check.target === 'under_review' ? ' (approval, checked below)' : ''}.
        </Text>
      )}
      {skipped.length > laterStep && (
        <Text size="sm" c="dimmed" mt={4}>
          Not applicable to this model: {skipped.filter((i) => !/^Checked on the way to /.test(i.reason)).map((i) => i.rule_id).join(', ')}.
        </Text>
      )}
    </Card>
  );
}

/** The verdict first: where the model stands for its next step and for approval, and what is left. */
function Readiness({ next, approval, obligations }: { next: ComplianceCheck; approval?: ComplianceCheck; obligations?: Obligations }) {
  const verdict = readiness(next, approval, obligations);
  return (
    <Alert color={verdict.color} variant="light" title={verdict.title} role="status">
      <List size="sm" spacing={2}>
        {verdict.lines.map((line) => (
          <List.Item key={line}>{line}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function Coverage({ item }: { item: Obligation }) {
  const covered = item.covered_by ?? [];
  return (
    <Stack gap={2}>
      {covered.map((c) => (
        <Group key={`${c.source}-${c.ref}`} gap={6} wrap="nowrap" align="flex-start">
          <ThemeIcon size={16} radius="xl" variant="light" color={c.satisfied ? 'green' : 'red'} role="img" aria-label={c.satisfied ? 'There' : 'Missing'}>
            {c.satisfied ? <IconCheck size={11} /> : <IconX size={11} />}
          </ThemeIcon>
          <Text size="xs">{c.detail}</Text>
        </Group>
      ))}
      {item.manual && (
        <Text size="xs" c="dimmed">
          Outside the hub: {item.manual}
        </Text>
      )}
    </Stack>
  );
}

function ObligationCards({ obligations }: { obligations: Obligations }) {
  return (
    <Stack gap="sm" component="ul" aria-label="Obligations" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {obligations.items.map((item) => (
        <Card key={`${item.article}-${item.title}`} component="li" padding="sm">
          <Group justify="space-between" wrap="nowrap" align="flex-start" mb={4}>
            <Text size="sm" fw={600}>
              {item.article} · {item.title}
            </Text>
            <Badge color={OBLIGATION_COLORS[item.status] ?? 'gray'} variant="light" styles={{ root: { minWidth: 'max-content' } }}>
              {OBLIGATION_LABELS[item.status] ?? item.status}
            </Badge>
          </Group>
          <Text size="xs" c="dimmed" mb={4}>
            {item.summary}
          </Text>
          <Coverage item={item} />
        </Card>
      ))}
    </Stack>
  );
}

function ObligationTable({ obligations }: { obligations: Obligations }) {
  const narrow = useMediaQuery(NARROW) ?? false;
  if (narrow && obligations.items.length > 0) {
    return (
      <Card padding="md" component="section" aria-label="EU AI Act obligations">
        <Title order={3} fz="md" mb="sm">
          EU AI Act obligations for this risk level
        </Title>
        <ObligationCards obligations={obligations} />
      </Card>
    );
  }
  return (
    <Card padding="lg" component="section" aria-label="EU AI Act obligations">
      <Title order={3} fz="md" mb="sm">
        EU AI Act obligations for this risk level
      </Title>
      {obligations.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No specific obligations apply at this risk level.
        </Text>
      ) : (
        <ScrollRegion label="Obligations, scrollable" minWidth={560}>
          <Table verticalSpacing="xs" aria-label="Obligations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Article</Table.Th>
                <Table.Th>Obligation</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>What covers it</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {obligations.items.map((item) => (
                <Table.Tr key={`${item.article}-${item.title}`}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" fw={600}>
                      {item.article}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{item.title}</Text>
                    <Text size="xs" c="dimmed">
                      {item.summary}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={OBLIGATION_COLORS[item.status] ?? 'gray'} variant="light" styles={{ root: { minWidth: 'max-content' } }}>
                      {OBLIGATION_LABELS[item.status] ?? item.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Coverage item={item} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
    </Card>
  );
}

/** What the active compliance policy asks of this model now, and which EU AI Act duties are covered. */
export function CompliancePanel({ modelId, revision, status }: { modelId: number; revision: number; status?: ComplianceStatus }) {
  const api = useApi();
  const check = useAsync<ComplianceCheck>((signal) => api.complianceCheck(modelId, signal), [modelId, revision]);
  // From draft, the next step (review) asks little: show what approval will require as well.
  const approval = useAsync<ComplianceCheck | undefined>(
    async (signal) => (status === 'draft' ? api.complianceCheck(modelId, signal, 'approved') : undefined),
    [modelId, revision, status],
  );
  const obligations = useAsync<Obligations>((signal) => api.obligations(modelId, signal), [modelId, revision]);
  const missing = (error: unknown) => error instanceof ApiError && error.status === 404;

  return (
    <Stack gap="md">
      <Text c="dimmed" size="sm">
        The compliance policy's checks for this model's next lifecycle step{status === 'draft' ? ' and for approval' : ''}, and the
        obligations of its risk level.
      </Text>
      {check.data && !obligations.loading && !approval.loading && (
        <Readiness next={check.data} approval={approval.data} obligations={obligations.data} />
      )}
      {check.loading ? (
        <LoadingState label="Checking the policy…" />
      ) : missing(check.error) ? (
        <Alert color="gray" variant="light">
          <NotAvailable what="The policy checklist" />
        </Alert>
      ) : check.error || !check.data ? (
        <ErrorState error={check.error} onRetry={check.reload} title="Could not run the policy check" />
      ) : (
        <Checklist check={check.data} obligations={obligations.data} label={`Checklist for ${stepName(check.data.target)}`} />
      )}
      {approval.data && <Checklist check={approval.data} obligations={obligations.data} label="Checklist for approval" />}
      {obligations.loading ? (
        <LoadingState label="Loading obligations…" />
      ) : missing(obligations.error) ? null : obligations.error || !obligations.data ? (
        <ErrorState error={obligations.error} onRetry={obligations.reload} title="Could not load the obligations" />
      ) : (
        <ObligationTable obligations={obligations.data} />
      )}
    </Stack>
  );
}
