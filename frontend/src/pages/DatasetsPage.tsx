import { Alert, Anchor, Badge, Button, Checkbox, Group, Paper, SimpleGrid, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../api/ApiContext';
import type { DatasetCreate } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../components/States';
import { useAsync } from '../hooks/useAsync';
import { problemFromError } from '../lib/formErrors';

const FIELDS = ['name', 'source', 'licence', 'bias_examined', 'bias_outcome', 'description'] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const EMPTY: Values = { name: '', source: '', licence: '', bias_examined: '', bias_outcome: '', description: '' };

/** The datasets models are trained, validated and tested on (EU AI Act Art. 10), and a form to register one. */
export default function DatasetsPage() {
  const api = useApi();
  const navigate = useNavigate();
  const { role } = useAuth();
  const datasets = useAsync((signal) => api.listDatasets(null, signal), [api]);
  const [values, setValues] = useState<Values>(EMPTY);
  const [personal, setPersonal] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Values) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [field]: value }));
  };

  async function register(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    const body: DatasetCreate = { name: values.name.trim(), personal_data: personal, special_categories: false };
    if (values.source.trim()) body.source = values.source.trim();
    if (values.licence.trim()) body.licence = values.licence.trim();
    if (values.description.trim()) body.description = values.description.trim();
    if (values.bias_examined.trim() || values.bias_outcome.trim()) {
      body.bias_examination = { examined: values.bias_examined.trim(), outcome: values.bias_outcome.trim() };
    }
    try {
      const dataset = await api.createDataset(body);
      notifications.show({ color: 'green', title: 'Dataset registered', message: dataset.name });
      navigate(`/datasets/${dataset.id}`);
    } catch (error) {
      const problem = problemFromError(error, [...FIELDS, 'bias_examination']);
      setErrors(problem.fields);
      setGeneral(problem.general);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <PageHeader
        title="Datasets"
        description="What models are trained, validated and tested on (EU AI Act Art. 10, Annex IV 2(d)): provenance, scope and the bias examination of each dataset."
      />
      {role !== 'auditor' && (
        <Paper withBorder p="md" component="form" onSubmit={register} aria-label="Register dataset" noValidate>
          <Text fw={600} mb="xs">Register a dataset</Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" value={values.name} onChange={set('name')} error={errors.name} withAsterisk />
            <TextInput label="Licence" value={values.licence} onChange={set('licence')} error={errors.licence} />
            <Textarea label="Provenance (source)" description="Where the data comes from and how it was obtained" autosize minRows={2}
              value={values.source} onChange={set('source')} error={errors.source} />
            <Textarea label="Description" autosize minRows={2} value={values.description} onChange={set('description')} error={errors.description} />
            <Textarea label="Bias examination: what was examined" autosize minRows={2} value={values.bias_examined}
              onChange={set('bias_examined')} error={errors.bias_examination} />
            <Textarea label="Bias examination: outcome" autosize minRows={2} value={values.bias_outcome} onChange={set('bias_outcome')} />
          </SimpleGrid>
          <Group justify="space-between" mt="sm">
            <Checkbox label="Holds personal data" checked={personal} onChange={(e) => setPersonal(e.currentTarget.checked)} />
            <Button type="submit" loading={busy}>Register dataset</Button>
          </Group>
          {general && <Alert color="red" variant="light" mt="sm" role="alert">{general}</Alert>}
        </Paper>
      )}
      {datasets.loading && !datasets.data ? (
        <LoadingState />
      ) : datasets.error ? (
        <ErrorState error={datasets.error} onRetry={datasets.reload} title="Could not load the datasets" />
      ) : !datasets.data?.items.length ? (
        <EmptyState title="No datasets yet">Register the datasets your models are trained and tested on.</EmptyState>
      ) : (
        <Table aria-label="Datasets" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Dataset</Table.Th>
              <Table.Th>Team</Table.Th>
              <Table.Th>Provenance</Table.Th>
              <Table.Th>Bias examination</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {datasets.data.items.map((dataset) => (
              <Table.Tr key={dataset.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/datasets/${dataset.id}`} fw={600} size="sm">{dataset.name}</Anchor>
                  {dataset.flagged && <Badge color="red" variant="light" ml="xs">flagged</Badge>}
                </Table.Td>
                <Table.Td><Text size="sm">{dataset.team ?? '—'}</Text></Table.Td>
                <Table.Td><Text size="sm" lineClamp={2}>{dataset.source ?? 'Not documented'}</Text></Table.Td>
                <Table.Td><Text size="sm" lineClamp={2}>{dataset.bias_examination?.outcome ?? 'Not documented'}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
