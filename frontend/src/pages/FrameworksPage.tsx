import { Alert, Badge, Button, Card, Group, SegmentedControl, Select, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import type { ControlCoverage, FrameworkId } from '../api/types';
import { PageHeader } from '../components/PageHeader';
import { ScrollRegion } from '../components/ScrollRegion';
import { ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { download } from '../lib/download';
import { errorMessage } from '../lib/format';

const FRAMEWORKS: { value: FrameworkId; label: string }[] = [
  { value: 'eu-ai-act', label: 'EU AI Act' },
  { value: 'iso42001', label: 'ISO/IEC 42001' },
  { value: 'nist-ai-rmf', label: 'NIST AI RMF' },
];
const STATUS: Record<ControlCoverage['status'], [string, string]> = {
  covered: ['Covered', 'green'],
  partial: ['Partly covered', 'yellow'],
  open: ['Open', 'red'],
  not_in_force: ['Not in force', 'gray'],
  not_applicable: ['Not applicable', 'gray'],
};

function CoverageTable({ framework, modelId }: { framework: FrameworkId; modelId: number }) {
  const api = useApi();
  const coverage = useAsync((signal) => api.frameworkCoverage(framework, modelId, signal), [framework, modelId]);
  if (coverage.loading && !coverage.data) return <LoadingState label="Computing coverage…" />;
  if (coverage.error || !coverage.data) return <ErrorState error={coverage.error} onRetry={coverage.reload} title="Could not compute the coverage" />;
  const data = coverage.data;
  const shown = data.controls.filter((c) => c.status !== 'not_applicable');
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">{data.title} · {data.source} · control library v{data.library_version}</Text>
      <Group gap="xs" aria-label="Coverage summary" role="group">
        {Object.entries(data.summary).map(([status, count]) => (
          <Badge key={status} color={STATUS[status as ControlCoverage['status']]?.[1] ?? 'gray'} variant="light">
            {count} {STATUS[status as ControlCoverage['status']]?.[0].toLowerCase() ?? status}
          </Badge>
        ))}
      </Group>
      <ScrollRegion label="Coverage, scrollable" minWidth={720}>
        <Table aria-label={`Coverage of ${data.title}`} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Control</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Covered by</Table.Th>
              <Table.Th>Open</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((control) => (
              <Table.Tr key={control.id}>
                <Table.Td>
                  <Text size="sm" fw={600}>{control.id}</Text>
                  <Text size="xs" c="dimmed">{control.description}</Text>
                </Table.Td>
                <Table.Td><Badge color={STATUS[control.status][1]} variant="light">{STATUS[control.status][0]}</Badge></Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    {control.covered_by.map((c) => (
                      <Text key={`${c.source}-${c.ref}`} size="xs">{c.source}: {c.detail}</Text>
                    ))}
                    {control.covered_by.length === 0 && <Text size="xs" c="dimmed">—</Text>}
                  </Stack>
                </Table.Td>
                <Table.Td><Text size="xs">{control.open.join(', ') || '—'}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollRegion>
    </Stack>
  );
}

function Applicability() {
  const api = useApi();
  const soa = useAsync((signal) => api.statementOfApplicability(signal), [api]);
  if (soa.loading && !soa.data) return <LoadingState label="Loading the statement of applicability…" />;
  if (soa.error || !soa.data) return <ErrorState error={soa.error} onRetry={soa.reload} title="Could not load the statement of applicability" />;
  return (
    <ScrollRegion label="Statement of applicability, scrollable" minWidth={640}>
      <Table aria-label="ISO/IEC 42001 statement of applicability" verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Annex A control</Table.Th>
            <Table.Th>Applicable</Table.Th>
            <Table.Th>Justification</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {soa.data.rows.map((row) => (
            <Table.Tr key={row.control}>
              <Table.Td><Text size="sm" fw={600}>{row.control}</Text><Text size="xs" c="dimmed">{row.description}</Text></Table.Td>
              <Table.Td><Text size="sm">{row.applicable}</Text></Table.Td>
              <Table.Td><Text size="xs">{row.justification}</Text></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollRegion>
  );
}

/** The statement of applicability as the API writes it, saved as a dated file (the API wants the bearer token: no plain link). */
function ApplicabilityDownloads() {
  const api = useApi();
  const [busy, setBusy] = useState<'csv' | 'json' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  async function save(format: 'csv' | 'json') {
    setBusy(format);
    setProblem(null);
    try {
      const file = await api.statementOfApplicabilityFile(format);
      download(`iso42001-statement-of-applicability-${new Date().toISOString().slice(0, 10)}.${format}`, file);
    } catch (error) {
      setProblem(`Could not download the statement of applicability: ${errorMessage(error)}`);
    } finally {
      setBusy(null);
    }
  }
  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        {(['csv', 'json'] as const).map((format) => (
          <Button key={format} variant="light" size="sm" leftSection={<IconDownload size={16} />} loading={busy === format}
            disabled={busy !== null && busy !== format} onClick={() => void save(format)}>
            Download {format.toUpperCase()}
          </Button>
        ))}
      </Group>
      {problem && <Alert color="red" variant="light" role="alert">{problem}</Alert>}
    </Stack>
  );
}

/** Coverage of a model per framework (EU AI Act, ISO/IEC 42001, NIST AI RMF), and the ISO/IEC 42001 statement of applicability. */
export default function FrameworksPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const [framework, setFramework] = useState<FrameworkId>((params.get('framework') as FrameworkId) || 'iso42001');
  const models = useAsync((signal) => api.listModels({}, null, signal, 100), [api]);
  const selected = params.get('model');
  return (
    <Stack>
      <PageHeader
        title="Frameworks"
        description="The same evidence, counted for the EU AI Act, ISO/IEC 42001 and the NIST AI RMF through the crosswalk (an interpretation for orientation; admins replace it)."
      />
      <Card component="section" aria-label="Coverage of a model">
        <Title order={2} fz="md" mb="sm">Coverage of a model</Title>
        <Group align="flex-end" wrap="wrap" mb="md">
          <Select
            label="Model"
            placeholder={models.loading ? 'Loading…' : 'Choose a model'}
            searchable
            data={(models.data?.items ?? []).map((m) => ({ value: String(m.id), label: m.name }))}
            value={selected}
            onChange={(value) => setParams((p) => { const next = new URLSearchParams(p); if (value) next.set('model', value); else next.delete('model'); return next; }, { replace: true })}
            w={{ base: '100%', sm: 320 }}
          />
          <SegmentedControl aria-label="Framework" value={framework} onChange={(value) => setFramework(value as FrameworkId)} data={FRAMEWORKS} />
        </Group>
        {models.error ? (
          <ErrorState error={models.error} onRetry={models.reload} title="Could not load the models" />
        ) : selected ? (
          <CoverageTable framework={framework} modelId={Number(selected)} />
        ) : (
          <Alert color="gray" variant="light">Choose a model to see what covers each control and what is open.</Alert>
        )}
      </Card>
      <Card component="section" aria-label="Statement of applicability">
        <Group justify="space-between" align="flex-start" mb="sm" gap="sm">
          <div>
            <Title order={2} fz="md">ISO/IEC 42001 statement of applicability</Title>
            <Text size="sm" c="dimmed">Organisation-wide: every Annex A control, whether it applies and why. Download it for the auditor as a spreadsheet (CSV) or as JSON.</Text>
          </div>
          <ApplicabilityDownloads />
        </Group>
        <Applicability />
      </Card>
    </Stack>
  );
}
