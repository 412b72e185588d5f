import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import type { ModelAsOf } from '../../api/types';
import { errorMessage, formatDateTime, riskLabel, statusLabel } from '../../lib/format';
import { ChainBadge } from './ChainBadge';

type Loose = Record<string, unknown> | null | undefined;
const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));

/** The value of a `datetime-local` input (local wall time) as an ISO 8601 instant with its zone. */
export function instantOf(local: string): string | null {
  const moment = new Date(local);
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}

interface Bound {
  metric?: string;
  min?: number | null;
  max?: number | null;
}

interface Signoff {
  by?: string;
  at?: string;
}

function boundText(bound: Bound): string {
  const parts = [bound.min !== null && bound.min !== undefined ? `≥ ${bound.min}` : '', bound.max !== null && bound.max !== undefined ? `≤ ${bound.max}` : ''];
  return parts.filter(Boolean).join(' and ') || 'recorded, no bound';
}

/** "What held at this moment?": the model as its audit trail shows it, for an auditor or a regulator's question. */
export function AsOfPanel({ modelId }: { modelId: number }) {
  const api = useApi();
  const [local, setLocal] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [state, setState] = useState<ModelAsOf | null>(null);

  async function ask(event: React.FormEvent) {
    event.preventDefault();
    const at = instantOf(local);
    if (!at) {
      setError('Choose a date and time.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setState(await api.modelAsOf(modelId, at));
    } catch (failure) {
      setState(null);
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  const model = state?.model as Loose;
  const approved = state?.approved as Loose;
  const version = state?.latest_version as Loose;
  const plan = state?.monitoring_plan as Loose;
  const bounds = (plan?.metrics as Bound[] | undefined) ?? [];
  const signoffs = (approved?.signoffs as Signoff[] | undefined) ?? [];

  return (
    <Paper p="lg">
      <Stack gap="sm">
        <Title order={3} fz="lg">
          As of a past moment
        </Title>
        <Text size="sm" c="dimmed">
          Replayed from the audit trail: what was approved then, by whom, and under which monitoring plan.
        </Text>
        <form onSubmit={ask} aria-label="State as of a moment">
          <Group align="flex-end" gap="sm">
            <TextInput
              type="datetime-local"
              step={1}
              label="Date and time (your time zone)"
              value={local}
              onChange={(event) => setLocal(event.currentTarget.value)}
            />
            <Button type="submit" loading={busy} variant="light">
              Show
            </Button>
          </Group>
        </form>
        {error && (
          <Alert color="red" variant="light" role="alert">
            {error}
          </Alert>
        )}
        {state && !state.existed && <Text size="sm">The model did not exist yet at {formatDateTime(state.at)}.</Text>}
        {state && state.existed && model && (
          <Stack gap="sm" aria-live="polite">
            <Group gap="xs">
              <Text size="sm" fw={600}>
                At {formatDateTime(state.at)}
              </Text>
              <ChainBadge verification={state.chain} loading={false} error={null} />
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
              <Text size="sm">Status: {state.deleted ? 'deleted' : statusLabel(String(model.compliance_status))}</Text>
              <Text size="sm">Risk level: {riskLabel(String(model.risk_level))}</Text>
              <Text size="sm">Latest version: {text(version?.version_tag)}</Text>
            </SimpleGrid>
            {approved ? (
              <Stack gap={4}>
                <Text size="sm">
                  Approved version <strong>{text(approved.version_tag)}</strong> by {text(approved.by)} ({text(approved.role)}) on{' '}
                  {formatDateTime(approved.time as string)}: {text(approved.reason)}
                </Text>
                {signoffs.length > 1 && (
                  <Text size="sm">Signed off by {signoffs.map((signoff) => `${text(signoff.by)} (${formatDateTime(signoff.at)})`).join(', ')}</Text>
                )}
                <Text size="sm">
                  Sealed snapshot SHA-256: <Code>{text(approved.snapshot_sha256)}</Code>
                </Text>
              </Stack>
            ) : (
              <Text size="sm">No approval was in force.</Text>
            )}
            {plan ? (
              <Stack gap={4}>
                <Text size="sm">
                  Monitoring plan: review every {text(plan.review_cadence_days)} days; last changed by {text(plan.changed_by)} on{' '}
                  {formatDateTime(plan.changed_at as string)}
                </Text>
                {bounds.length > 0 && (
                  <Table withTableBorder fz="sm" maw={480}>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">Metric</Table.Th>
                        <Table.Th scope="col">Bound</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {bounds.map((bound) => (
                        <Table.Tr key={bound.metric}>
                          <Table.Td>{bound.metric}</Table.Td>
                          <Table.Td>{boundText(bound)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
              </Stack>
            ) : (
              <Text size="sm">No monitoring plan was written yet.</Text>
            )}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}
