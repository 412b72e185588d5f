import { Alert, Badge, Button, Card, Group, List, Modal, Stack, Table, Text, Textarea, ThemeIcon, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { IconCheck, IconMinus, IconX } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { CheckStatus, ComplianceCheck, ComplianceCheckItem, ComplianceStatus, Obligation, Obligations } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { formatDateTime } from '../../lib/format';
import { problemFromError } from '../../lib/formErrors';
import { NARROW } from '../../lib/layout';
import { checkTitle, humanReason, openObligations, readiness, stepName } from '../../lib/readiness';
import { ScrollRegion } from '../ScrollRegion';
import { ErrorState, LoadingState, NotAvailable } from '../States';

const CHECK_ICONS: Record<CheckStatus, { color: string; icon: typeof IconCheck; label: string }> = {
  pass: { color: 'green', icon: IconCheck, label: 'Passes' },
  fail: { color: 'red', icon: IconX, label: 'Fails' },
  not_applicable: { color: 'gray', icon: IconMinus, label: 'Not applicable' },
};

const OBLIGATION_COLORS: Record<Obligation['status'], string> = { evidenced: 'green', attested: 'teal', open: 'red', not_in_force: 'gray' };
const OBLIGATION_LABELS: Record<Obligation['status'], string> = {
  evidenced: 'Evidenced',
  attested: 'Attested',
  open: 'Open',
  not_in_force: 'Not in force',
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
      {item.attestation && (
        <Text size="xs">
          Attested by {item.attestation.attested_by} on {item.attestation.attested_at.slice(0, 10)}: {item.attestation.statement}
        </Text>
      )}
      {item.manual && item.status !== 'attested' && (
        <Text size="xs" c="dimmed">
          Outside the hub: {item.manual}
        </Text>
      )}
    </Stack>
  );
}

/** Attest an obligation (again), or withdraw the attestation it has: the buttons of one obligation. */
function AttestationActions({ item, attest, withdraw }: { item: Obligation; attest: (item: Obligation) => void; withdraw: (item: Obligation) => void }) {
  if (!item.id || item.status === 'evidenced') return null;
  return (
    <Group gap={4} mt={4}>
      <Button size="compact-xs" variant="subtle" onClick={() => attest(item)} aria-label={`Attest ${item.article}`}>
        {item.status === 'attested' ? 'Attest again' : 'Attest'}
      </Button>
      {item.attestation && (
        <Button size="compact-xs" variant="subtle" color="red" onClick={() => withdraw(item)} aria-label={`Withdraw the attestation of ${item.article}`}>
          Withdraw
        </Button>
      )}
    </Group>
  );
}

function ObligationCards({ obligations, attest, withdraw }: {
  obligations: Obligations;
  attest: ((item: Obligation) => void) | null;
  withdraw: (item: Obligation) => void;
}) {
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
          {attest && <AttestationActions item={item} attest={attest} withdraw={withdraw} />}
        </Card>
      ))}
    </Stack>
  );
}

/** A person attests an obligation met outside the hub (audited): what was done, and why they can say so. */
function AttestDialog({ modelId, item, onClose, onDone }: { modelId: number; item: Obligation; onClose: () => void; onDone: () => void }) {
  const api = useApi();
  const [statement, setStatement] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!statement.trim()) missing.statement = 'Say what was done';
    if (!reason.trim()) missing.reason = 'Say why you can attest it';
    setErrors(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      await api.attest(modelId, { obligation_id: item.id ?? '', statement: statement.trim(), reason: reason.trim() });
      onDone();
    } catch (error) {
      const problem = problemFromError(error, ['statement', 'reason']);
      setErrors(problem.fields);
      setGeneral(problem.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Attest ${item.article}`}>
      <form onSubmit={submit} noValidate aria-label={`Attest ${item.article}`}>
        <Stack gap="sm">
          <Text size="sm">{item.title}</Text>
          <Textarea label="What was done" description="e.g. Registered in the EU database under number …" value={statement}
            onChange={(e) => setStatement(e.currentTarget.value)} error={errors.statement} autosize minRows={2} />
          <Textarea label="Why you can attest it" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={errors.reason} autosize />
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Attest
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Withdraw an attestation that no longer holds (audited, kept on record): the obligation counts as not met again. */
function WithdrawDialog({ modelId, item, onClose, onDone }: { modelId: number; item: Obligation; onClose: () => void; onDone: () => void }) {
  const api = useApi();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setError('Say why it no longer holds');
      return;
    }
    setBusy(true);
    try {
      await api.withdrawAttestation(modelId, item.id ?? '', { reason: reason.trim(), expected_revision: item.attestation?.revision ?? null });
      onDone();
    } catch (failure) {
      const problem = problemFromError(failure, ['reason']);
      setError(problem.fields.reason ?? null);
      setGeneral(problem.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`Withdraw the attestation of ${item.article}`}>
      <form onSubmit={submit} noValidate aria-label={`Withdraw the attestation of ${item.article}`}>
        <Stack gap="sm">
          <Text size="sm">
            “{item.attestation?.statement}”, attested by {item.attestation?.attested_by}. It stays on record, marked withdrawn.
          </Text>
          <Textarea label="Why it no longer holds" value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error} autosize />
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy}>
              Withdraw
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ObligationTable({ obligations, modelId, canWrite, onChanged }: { obligations: Obligations; modelId: number; canWrite: boolean; onChanged: () => void }) {
  const [attesting, setAttesting] = useState<Obligation | null>(null);
  const [withdrawing, setWithdrawing] = useState<Obligation | null>(null);
  const narrow = useMediaQuery(NARROW) ?? false;
  return (
    <Card padding="lg" component="section" aria-label="EU AI Act obligations">
      <Title order={3} fz="md" mb={2}>
        EU AI Act obligations for this risk level
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        As {obligations.operator_role ?? 'provider'}
        {obligations.role_assumed ? ' (assumed: no operator role is recorded)' : ''}. Evidenced: the hub holds the evidence;
        attested: a person attested it; registration, conformity assessment and incident reports are never evidenced by
        the hub alone.
      </Text>
      {obligations.items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No specific obligations apply at this risk level.
        </Text>
      ) : narrow ? (
        <ObligationCards obligations={obligations} attest={canWrite ? setAttesting : null} withdraw={setWithdrawing} />
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
                    {item.applies_from && (
                      <Text size="xs" c="dimmed" mt={2} style={{ whiteSpace: 'nowrap' }}>
                        {item.in_force ? `since ${item.applies_from}` : `from ${item.applies_from} (in ${item.days_until} days)`}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Coverage item={item} />
                    {canWrite && <AttestationActions item={item} attest={setAttesting} withdraw={setWithdrawing} />}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
      {withdrawing && (
        <WithdrawDialog
          modelId={modelId}
          item={withdrawing}
          onClose={() => setWithdrawing(null)}
          onDone={() => {
            setWithdrawing(null);
            onChanged();
          }}
        />
      )}
      {attesting && (
        <AttestDialog
          modelId={modelId}
          item={attesting}
          onClose={() => setAttesting(null)}
          onDone={() => {
            setAttesting(null);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

/** What the active compliance policy asks of this model now, and which EU AI Act duties are covered. */
export function CompliancePanel({
  modelId,
  revision,
  status,
  canWrite = false,
}: {
  modelId: number;
  revision: number;
  status?: ComplianceStatus;
  canWrite?: boolean;
}) {
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
        <ObligationTable obligations={obligations.data} modelId={modelId} canWrite={canWrite} onChanged={obligations.reload} />
      )}
    </Stack>
  );
}
