import { Alert, Button, Checkbox, Group, Modal, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { Dataset, DatasetCreate } from '../../api/types';
import { problemFromError } from '../../lib/formErrors';

const FIELDS = ['name', 'source', 'licence', 'bias_examined', 'bias_outcome', 'description'] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const EMPTY: Values = { name: '', source: '', licence: '', bias_examined: '', bias_outcome: '', description: '' };
// 422 details name `bias_examination.examined`; the client keeps the last segment of a path
const ALIASES = { examined: 'bias_examined', outcome: 'bias_outcome', bias_examination: 'bias_examined' };

/** Registers a dataset with the first lines of its datasheet; the rest is completed on its page ("Edit datasheet"). */
export function RegisterDatasetModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (dataset: Dataset) => void }) {
  const api = useApi();
  const [values, setValues] = useState<Values>(EMPTY);
  const [personal, setPersonal] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: keyof Values) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [field]: value }));
  };

  function close() {
    setValues(EMPTY);
    setPersonal(false);
    setErrors({});
    setGeneral(null);
    onClose();
  }

  async function register(event: FormEvent) {
    event.preventDefault();
    if (!values.name.trim()) {
      setErrors({ name: 'Name is required' });
      return;
    }
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
      setValues(EMPTY);
      setPersonal(false);
      onCreated(dataset);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'duplicate_name') {
        setErrors({ name: 'A dataset with this name already exists.' });
      } else {
        const problem = problemFromError(error, FIELDS, ALIASES);
        setErrors(problem.fields);
        setGeneral(problem.general);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Register dataset" size="xl">
      <form onSubmit={register} aria-label="Register dataset" noValidate>
        <Stack gap="sm">
          {general && <Alert color="red" variant="light" role="alert">{general}</Alert>}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Name" value={values.name} onChange={set('name')} error={errors.name} withAsterisk data-autofocus />
            <TextInput label="Licence" value={values.licence} onChange={set('licence')} error={errors.licence} />
          </SimpleGrid>
          <Textarea label="Provenance (source)" description="Where the data comes from and how it was obtained" autosize minRows={2}
            value={values.source} onChange={set('source')} error={errors.source} />
          <Textarea label="Description" autosize minRows={2} value={values.description} onChange={set('description')} error={errors.description} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Textarea label="Bias examination: what was examined" autosize minRows={2} value={values.bias_examined}
              onChange={set('bias_examined')} error={errors.bias_examined} />
            <Textarea label="Bias examination: outcome" autosize minRows={2} value={values.bias_outcome} onChange={set('bias_outcome')}
              error={errors.bias_outcome} />
          </SimpleGrid>
          <Checkbox label="Holds personal data" checked={personal} onChange={(e) => setPersonal(e.currentTarget.checked)} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>Cancel</Button>
            <Button type="submit" loading={busy}>Register</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
