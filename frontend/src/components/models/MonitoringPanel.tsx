import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Alert, Badge, Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { Finding, MonitoringPlan, Observation, PlannedMetric, ReviewPage } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { boundsText, reviewDue } from '../../lib/monitoring';
import { DeadlineBadge } from '../dashboard/MonitoringAttention';
import { ErrorState, LoadingState } from '../States';

interface Row {
  metric: string;
  min: string;
  max: string;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function toRows(plan: MonitoringPlan | null): Row[] {
  if (!plan) return [{ metric: 'accuracy', min: '0.9', max: '' }, { metric: 'drift_score', min: '', max: '0.2' }];
  return plan.metrics.map((m) => ({ metric: m.metric, min: m.min == null ? '' : String(m.min), max: m.max == null ? '' : String(m.max) }));
}

/** The plan's editor: planned metrics with bounds, the review cadence, reviewers and the method. */
function PlanEditor({ modelId, plan, onSaved }: { modelId: number; plan: MonitoringPlan | null; onSaved: () => void }) {
  const api = useApi();
  const [rows, setRows] = useState<Row[]>(toRows(plan));
  const [cadence, setCadence] = useState<number | string>(plan?.review_cadence_days ?? 90);
  const [reviewers, setReviewers] = useState(plan?.reviewers.join(', ') ?? '');
  const [notes, setNotes] = useState(plan?.method_notes ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (index: number, change: Partial<Row>) => setRows(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));

  async function save() {
    const bad = rows.find((r) => !r.metric.trim() || (!r.min && !r.max) || (r.min && !NUMBER.test(r.min)) || (r.max && !NUMBER.test(r.max)));
    if (bad) {
      setError(`Give each metric a name and a minimum, a maximum or both, as numbers (${bad.metric || 'unnamed metric'}).`);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await api.putMonitoringPlan(modelId, {
        metrics: rows.map((r) => ({ metric: r.metric.trim(), min: r.min ? Number(r.min) : null, max: r.max ? Number(r.max) : null })),
        review_cadence_days: Number(cadence),
        reviewers: reviewers.split(',').map((r) => r.trim()).filter(Boolean),
        method_notes: notes.trim() || null,
        reason: reason.trim() || null,
        expected_revision: plan?.revision ?? null,
      });
      notifications.show({ color: 'green', title: 'Monitoring plan saved', message: 'An approved model is back under review when its plan changes.' });
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Stack gap="sm" component="form" aria-label="Monitoring plan editor" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      {rows.map((row, index) => (
        <Group key={index} gap="xs" align="end" wrap="nowrap">
          <TextInput label="Metric" value={row.metric} onChange={(e) => set(index, { metric: e.currentTarget.value })} style={{ flex: 2 }} />
          <TextInput label="Minimum" value={row.min} onChange={(e) => set(index, { min: e.currentTarget.value })} style={{ flex: 1 }} />
          <TextInput label="Maximum" value={row.max} onChange={(e) => set(index, { max: e.currentTarget.value })} style={{ flex: 1 }} />
          <Button variant="subtle" color="gray" onClick={() => setRows(rows.filter((_, i) => i !== index))} aria-label={`Remove ${row.metric || 'metric'}`}>
            Remove
          </Button>
        </Group>
      ))}
      <Group>
        <Button variant="default" size="xs" onClick={() => setRows([...rows, { metric: '', min: '', max: '' }])}>Add a metric</Button>
      </Group>
      <NumberInput label="Review every (days)" min={1} max={730} value={cadence} onChange={setCadence} w={200} />
      <TextInput label="Reviewers (usernames, comma separated; empty: anyone of the team)" value={reviewers} onChange={(e) => setReviewers(e.currentTarget.value)} />
      <Textarea label="Method" description="How the monitoring is done: data, sampling, tools." value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} />
      <TextInput label="Reason for the change" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
      {error && <Alert color="red" title="The plan was not saved">{error}</Alert>}
      <Group><Button type="submit" loading={saving}>Save the plan</Button></Group>
    </Stack>
  );
}

/** One planned metric's production values over time against its bounds (the values are in the table below it). */
function TrendChart({ modelId, metric }: { modelId: number; metric: PlannedMetric }) {
  const api = useApi();
  const series = useAsync<{ items: Observation[] }>((signal) => api.observations(modelId, metric.metric, signal), [modelId, metric.metric]);
  if (series.loading) return <LoadingState label={`Loading ${metric.metric}…`} />;
  if (series.error || !series.data) return <ErrorState error={series.error} onRetry={series.reload} title={`Could not load ${metric.metric}`} />;
  const points = series.data.items.map((o) => ({ day: o.observed_at.slice(0, 10), value: o.value }));
  const outside = series.data.items.filter((o) => (metric.min != null && o.value < metric.min) || (metric.max != null && o.value > metric.max));
  const last = series.data.items[series.data.items.length - 1];
  const lines = [
    ...(metric.min != null ? [{ y: metric.min, label: `min ${metric.min}`, color: 'red.8' }] : []),
    ...(metric.max != null ? [{ y: metric.max, label: `max ${metric.max}`, color: 'red.8' }] : []),
  ];
  return (
    <Card padding="sm" withBorder component="figure" aria-label={`${metric.metric} in production`} m={0}>
      <Group justify="space-between" mb={4}>
        <Text fw={600} size="sm">{metric.metric}</Text>
        <Text size="xs" c="dimmed">planned {boundsText(metric)}</Text>
      </Group>
      {points.length === 0 ? (
        <Text size="sm" c="dimmed">No production values yet.</Text>
      ) : (
        <div aria-hidden>
          <LineChart h={140} data={points} dataKey="day" series={[{ name: 'value', label: metric.metric, color: 'indigo.6' }]}
            referenceLines={lines} withDots={false} gridAxis="y" tickLine="none" yAxisProps={{ width: 44, domain: ['auto', 'auto'] }} />
        </div>
      )}
      <Text component="figcaption" size="xs" c="dimmed">
        {points.length} value{points.length === 1 ? '' : 's'}
        {last ? `; last ${last.value} on ${last.observed_at.slice(0, 10)}` : ''}; {outside.length} outside the planned bounds.
      </Text>
    </Card>
  );
}

function RecordReview({ modelId, onSaved }: { modelId: number; onSaved: () => void }) {
  const api = useApi();
  const [outcome, setOutcome] = useState<string | null>('continue');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function save() {
    if (!notes.trim()) {
      setError('Say what was reviewed and concluded.');
      return;
    }
    try {
      await api.recordReview(modelId, { outcome: (outcome ?? 'continue') as 'continue', notes: notes.trim() });
      setNotes('');
      setError(null);
      notifications.show({ color: 'green', title: 'Review recorded', message: 'The next review is scheduled.' });
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }
  return (
    <Stack gap="xs" component="form" aria-label="Record a periodic review" onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <Select label="Outcome" value={outcome} onChange={setOutcome} allowDeselect={false}
        data={[{ value: 'continue', label: 'Continue' }, { value: 'restrict', label: 'Restrict' }, { value: 'withdraw', label: 'Withdraw' }]} />
      <Textarea label="Notes" value={notes} onChange={(e) => setNotes(e.currentTarget.value)} autosize minRows={2} />
      {error && <Alert color="red" title="The review was not recorded">{error}</Alert>}
      <Group><Button type="submit" variant="default">Record the review</Button></Group>
    </Stack>
  );
}

/** The model's post-market monitoring (Art. 72): the plan, production trends against its bounds, findings, reviews. */
export function MonitoringPanel({ modelId, canWrite, onChanged }: { modelId: number; canWrite: boolean; onChanged: () => void }) {
  const api = useApi();
  const [editing, setEditing] = useState(false);
  const data = useAsync<{ plan: MonitoringPlan | null; findings: Finding[]; reviews: ReviewPage }>(async (signal) => {
    const plan = await api.monitoringPlan(modelId, signal).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
    const [findings, reviews] = await Promise.all([api.findings(modelId, signal), api.reviews(modelId, signal)]);
    return { plan, findings: findings.items, reviews };
  }, [modelId]);
  if (data.loading) return <LoadingState label="Loading monitoring…" />;
  if (data.error || !data.data) return <ErrorState error={data.error} onRetry={data.reload} title="Could not load monitoring" />;
  const { plan, findings, reviews } = data.data;
  const open = findings.filter((f) => f.status === 'open');
  const saved = () => {
    setEditing(false);
    data.reload();
    onChanged();
  };
  return (
    <Stack gap="md">
      <Card padding="lg" component="section" aria-label="Monitoring plan">
        <Group justify="space-between" mb="sm">
          <Title order={3} fz="lg">Monitoring plan</Title>
          {canWrite && !editing && <Button size="xs" variant="default" onClick={() => setEditing(true)}>{plan ? 'Edit the plan' : 'Write a plan'}</Button>}
        </Group>
        {editing ? (
          <PlanEditor modelId={modelId} plan={plan} onSaved={saved} />
        ) : plan ? (
          <Stack gap="xs">
            <Table aria-label="Planned metrics" verticalSpacing={4}>
              <Table.Thead><Table.Tr><Table.Th>Metric</Table.Th><Table.Th>Bounds</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {plan.metrics.map((m) => <Table.Tr key={m.metric}><Table.Td>{m.metric}</Table.Td><Table.Td>{boundsText(m)}</Table.Td></Table.Tr>)}
              </Table.Tbody>
            </Table>
            <Text size="sm">Reviewed every {plan.review_cadence_days} days{plan.reviewers.length ? ` by ${plan.reviewers.join(', ')}` : ''}. Revision {plan.revision}.</Text>
            {plan.method_notes && <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>{plan.method_notes}</Text>}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">No monitoring plan. High-risk models need one before approval (Art. 72).</Text>
        )}
      </Card>
      {plan && (
        <Card padding="lg" component="section" aria-label="Production trends">
          <Title order={3} fz="lg" mb="sm">In production</Title>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            {plan.metrics.map((m) => <TrendChart key={m.metric} modelId={modelId} metric={m} />)}
          </SimpleGrid>
        </Card>
      )}
      <Card padding="lg" component="section" aria-label="Findings">
        <Group gap="xs" mb="sm">
          <Title order={3} fz="lg">Findings</Title>
          <Badge color={open.length ? 'red' : 'gray'} variant="light">{open.length} open</Badge>
        </Group>
        {findings.length === 0 ? <Text size="sm" c="dimmed">No production value has left the planned bounds.</Text> : (
          <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Monitoring findings">
            {findings.map((f) => (
              <Text component="li" size="sm" key={f.metric}>
                <b>{f.status === 'open' ? 'Open' : 'Resolved'}</b>: {f.reason} (since {f.opened_at.slice(0, 10)}, {f.breaches} value{f.breaches === 1 ? '' : 's'} outside)
              </Text>
            ))}
          </Stack>
        )}
      </Card>
      <Card padding="lg" component="section" aria-label="Periodic reviews">
        <Group justify="space-between" mb="sm">
          <Title order={3} fz="lg">Periodic reviews</Title>
          {reviews.schedule && <DeadlineBadge {...reviewDue(reviews.schedule)} />}
        </Group>
        {reviews.items.length === 0 ? <Text size="sm" c="dimmed">No review recorded yet.</Text> : (
          <Stack gap={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Recorded reviews">
            {reviews.items.map((r) => (
              <Text component="li" size="sm" key={r.review_id}>
                {r.reviewed_at.slice(0, 10)} · <b>{r.outcome}</b> by {r.reviewed_by}: {r.notes}
              </Text>
            ))}
          </Stack>
        )}
        {canWrite && plan && <RecordReview modelId={modelId} onSaved={data.reload} />}
      </Card>
    </Stack>
  );
}
