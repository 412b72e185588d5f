import { Alert, Anchor, Badge, Breadcrumbs, Button, Card, Group, Modal, SimpleGrid, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useApi } from '../api/ApiContext';
import type { Dataset } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { canChangeTeamRecord } from '../auth/roles';
import { StatusBadge } from '../components/Badges';
import { EditDatasetModal } from '../components/datasets/EditDatasetModal';
import { useDocumentTitle } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { problemFromError } from '../lib/formErrors';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600}>{label}</Text>
      <Text size="sm">{children || 'Not documented'}</Text>
    </div>
  );
}

/** A dataset's datasheet, its versions, every model that depends on it, and the flag that sends them back to review. */
export default function DatasetDetailPage() {
  const { id } = useParams();
  const datasetId = Number(id);
  const api = useApi();
  const { role, session } = useAuth();
  const dataset = useAsync((signal) => api.getDataset(datasetId, signal), [api, datasetId]);
  const versions = useAsync((signal) => api.listDatasetVersions(datasetId, signal), [api, datasetId]);
  const impact = useAsync((signal) => api.datasetImpact(datasetId, signal), [api, datasetId]);
  useDocumentTitle(dataset.data ? `Dataset ${dataset.data.name}` : 'Dataset');
  const [editing, setEditing] = useState(false);
  const [flagging, setFlagging] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [tag, setTag] = useState('');
  const [location, setLocation] = useState('');
  const [versionErrors, setVersionErrors] = useState<Record<string, string>>({});
  const [versionProblem, setVersionProblem] = useState<string | null>(null);

  if (dataset.loading && !dataset.data) return <LoadingState />;
  if (dataset.error || !dataset.data) return <ErrorState error={dataset.error} onRetry={dataset.reload} title="Could not load the dataset" />;
  const data: Dataset = dataset.data;
  const mayChange = canChangeTeamRecord(role, session?.teams ?? [], data.team);

  async function reloadDataset(): Promise<Dataset | undefined> {
    try {
      const latest = await api.getDataset(datasetId);
      dataset.setData(latest);
      return latest;
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not reload the dataset', message: problemFromError(error, []).general });
      return undefined;
    }
  }

  async function flag(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why the dataset is bad: it goes into every affected model\'s audit trail');
      return;
    }
    setBusy(true);
    try {
      const outcome = data.flagged
        ? { dataset: await api.unflagDataset(datasetId, reason.trim()), reopened: [] }
        : await api.flagDataset(datasetId, reason.trim(), data.revision);
      const reopened = outcome.reopened.map((m) => m.name).join(', ');
      notifications.show({
        color: data.flagged ? 'green' : 'orange',
        title: data.flagged ? 'Flag cleared' : 'Dataset flagged',
        message: data.flagged ? 'Nothing was re-approved.' : reopened ? `Back to review: ${reopened}` : 'No approved model depends on it.',
      });
      setFlagging(false);
      setReason('');
      dataset.reload();
      impact.reload();
    } catch (error) {
      setReasonError(problemFromError(error, ['reason']).general ?? 'Could not change the flag');
    } finally {
      setBusy(false);
    }
  }

  async function addVersion(event: FormEvent) {
    event.preventDefault();
    setVersionErrors({});
    setVersionProblem(null);
    try {
      await api.createDatasetVersion(datasetId, { version_tag: tag.trim(), location: location.trim() });
      setTag('');
      setLocation('');
      versions.reload();
    } catch (error) {
      const problem = problemFromError(error, ['version_tag', 'location']);
      setVersionErrors(problem.fields);
      setVersionProblem(problem.general);
    }
  }

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/datasets">Datasets</Anchor>
        <Text size="sm">{data.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1}>{data.name}</Title>
          <Group gap="xs" mt={4}>
            {data.flagged ? <Badge color="red">flagged</Badge> : <Badge color="gray" variant="light">not flagged</Badge>}
            {data.team && <Text size="sm" c="dimmed">team {data.team}</Text>}
          </Group>
        </div>
        {mayChange && (
          <Group gap="sm">
            <Button variant="default" onClick={() => setEditing(true)}>Edit datasheet</Button>
            <Button color={data.flagged ? 'gray' : 'red'} variant="light" onClick={() => setFlagging(true)}>
              {data.flagged ? 'Clear flag' : 'Flag dataset'}
            </Button>
          </Group>
        )}
      </Group>
      {data.flag && (
        <Alert color="red" variant="light" title="Flagged">
          {data.flag.reason} — {data.flag.by}, {new Date(data.flag.at).toLocaleString()}
        </Alert>
      )}
      <Card padding="lg" component="section" aria-label="Datasheet">
        <Title order={2} size="h4" mb="sm">Datasheet</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Field label="Provenance (source)">{data.source}</Field>
          <Field label="Description">{data.description}</Field>
          <Field label="Licence">{data.licence}</Field>
          <Field label="Collection period">{data.collection_period}</Field>
          <Field label="Geographic scope">{data.geographic_scope}</Field>
          <Field label="Demographic scope">{data.demographic_scope}</Field>
          <Field label="Labelling procedure">{data.labelling_procedure}</Field>
          <Field label="Personal data">{data.personal_data ? `yes${data.special_categories ? ', including special categories (Art. 10(5))' : ''}` : 'no'}</Field>
          <Field label="Known gaps and limitations">{data.known_limitations}</Field>
          <Field label="Bias examination">{data.bias_examination ? `${data.bias_examination.examined} — ${data.bias_examination.outcome}` : null}</Field>
        </SimpleGrid>
      </Card>
      <Card padding="lg" component="section" aria-label="Versions">
        <Title order={2} size="h4" mb="sm">Versions</Title>
        {versions.data?.items.length ? (
          <Table aria-label="Dataset versions">
            <Table.Thead>
              <Table.Tr><Table.Th>Tag</Table.Th><Table.Th>Location</Table.Th><Table.Th>Records</Table.Th><Table.Th>SHA-256</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.data.items.map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td>{v.version_tag}</Table.Td>
                  <Table.Td><Text size="sm" ff="monospace">{v.location}</Text></Table.Td>
                  <Table.Td>{v.records?.toLocaleString() ?? '—'}</Table.Td>
                  <Table.Td><Text size="xs" ff="monospace">{v.sha256 ? `${v.sha256.slice(0, 16)}…` : '—'}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text size="sm" c="dimmed">No version registered yet.</Text>
        )}
        {mayChange && (
          <Group component="form" onSubmit={addVersion} aria-label="Register dataset version" align="flex-end" mt="sm" wrap="wrap">
            <TextInput label="Version tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} error={versionErrors.version_tag} />
            <TextInput label="Location" placeholder="s3://bucket/prefix/" value={location} onChange={(e) => setLocation(e.currentTarget.value)}
              error={versionErrors.location} w={{ base: '100%', sm: 320 }} />
            <Button type="submit" variant="default">Add version</Button>
          </Group>
        )}
        {versionProblem && <Alert color="red" variant="light" mt="sm" role="alert">{versionProblem}</Alert>}
      </Card>
      <Card padding="lg" component="section" aria-label="Impact">
        <Title order={2} size="h4" mb="sm">Models that depend on it</Title>
        {impact.loading && !impact.data ? (
          <LoadingState />
        ) : !impact.data?.items.length ? (
          <EmptyState title="No model version uses it">Model versions declare their datasets when they are registered.</EmptyState>
        ) : (
          <Table aria-label="Impact">
            <Table.Thead>
              <Table.Tr><Table.Th>Model</Table.Th><Table.Th>Version</Table.Th><Table.Th>How</Table.Th><Table.Th>Status</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {impact.data.items.map((entry) => (
                <Table.Tr key={`${entry.version_id}-${entry.relation}-${entry.dataset_version_id ?? ''}`}>
                  <Table.Td><Anchor component={Link} to={`/models/${entry.model_id}`} size="sm">{entry.model_name}</Anchor></Table.Td>
                  <Table.Td>{entry.version_tag}</Table.Td>
                  <Table.Td>{entry.depth === 1 ? entry.relation : `built on a model that uses it (${entry.depth - 1} hop${entry.depth > 2 ? 's' : ''})`}</Table.Td>
                  <Table.Td>{entry.compliance_status && <StatusBadge status={entry.compliance_status} />}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {impact.data?.truncated && <Text size="sm" c="dimmed" mt="xs">Only {impact.data.depth_limit} levels are followed: more models may depend on it.</Text>}
      </Card>
      {mayChange && (
        <EditDatasetModal
          dataset={data}
          opened={editing}
          onClose={() => setEditing(false)}
          onReload={reloadDataset}
          onSaved={(saved) => {
            setEditing(false);
            dataset.setData(saved);
            notifications.show({ color: 'green', title: 'Datasheet saved', message: `${saved.name} is at revision ${saved.revision}.` });
          }}
        />
      )}
      <Modal opened={flagging} onClose={() => setFlagging(false)} title={data.flagged ? 'Clear the flag' : 'Flag this dataset'}>
        <form onSubmit={flag} noValidate aria-label={data.flagged ? 'Clear flag' : 'Flag dataset'}>
          <Stack gap="sm">
            <Text size="sm">
              {data.flagged
                ? 'Clearing the flag re-approves nothing: the models sent back to review go through review again.'
                : 'Every approved model that depends on this dataset goes back to review, with your reason in its audit trail.'}
            </Text>
            <Textarea label="Reason" withAsterisk autosize minRows={2} value={reason} data-autofocus
              onChange={(e) => { setReason(e.currentTarget.value); setReasonError(null); }} error={reasonError} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setFlagging(false)}>Cancel</Button>
              <Button type="submit" color={data.flagged ? 'blue' : 'red'} loading={busy}>{data.flagged ? 'Clear flag' : 'Flag dataset'}</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
