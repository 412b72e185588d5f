import { Alert, Button, Checkbox, Group, Modal, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import { useApi } from '../../api/ApiContext';
import type { Dataset, DatasetUpdate } from '../../api/types';
import { isStale, problemFromError } from '../../lib/formErrors';
import { StaleNotice } from '../models/StaleNotice';

const TEXT_FIELDS = [
  'description', 'source', 'licence', 'collection_period', 'geographic_scope', 'demographic_scope', 'labelling_procedure', 'known_limitations',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];
export type DatasheetValues = Record<TextField | 'bias_examined' | 'bias_outcome' | 'reason', string> & {
  personal_data: boolean;
  special_categories: boolean;
};
const FIELDS = [...TEXT_FIELDS, 'bias_examined', 'bias_outcome', 'personal_data', 'special_categories', 'reason'];
// 422 details name `bias_examination.examined`; the client keeps the last segment of a path
const ALIASES = { examined: 'bias_examined', outcome: 'bias_outcome', bias_examination: 'bias_examined' };
const SHORT = 128;

export function datasheetValues(dataset: Dataset): DatasheetValues {
  return {
    ...(Object.fromEntries(TEXT_FIELDS.map((field) => [field, dataset[field] ?? ''])) as Record<TextField, string>),
    bias_examined: dataset.bias_examination?.examined ?? '',
    bias_outcome: dataset.bias_examination?.outcome ?? '',
    personal_data: dataset.personal_data,
    special_categories: dataset.special_categories,
    reason: '',
  };
}

/** The PATCH body: only what changed (an emptied field is sent as null, which clears it), with the revision edited. */
export function datasheetChanges(dataset: Dataset, values: DatasheetValues): DatasetUpdate | null {
  const before = datasheetValues(dataset);
  const body: DatasetUpdate = {};
  for (const field of TEXT_FIELDS) {
    const value = values[field].trim();
    if (value !== before[field].trim()) body[field] = value || null;
  }
  const examined = values.bias_examined.trim();
  const outcome = values.bias_outcome.trim();
  if (examined !== before.bias_examined.trim() || outcome !== before.bias_outcome.trim()) {
    body.bias_examination = examined || outcome ? { examined, outcome } : null;
  }
  if (values.personal_data !== before.personal_data) body.personal_data = values.personal_data;
  if (values.special_categories !== before.special_categories) body.special_categories = values.special_categories;
  if (Object.keys(body).length === 0) return null;
  return { ...body, reason: values.reason.trim() || undefined, expected_revision: dataset.revision };
}

/** Edits a dataset's datasheet (Art. 10, Annex IV 2(d)) against the revision it was opened at: a later change by someone else is a 409. */
export function EditDatasetModal({
  dataset,
  opened,
  onClose,
  onSaved,
  onReload,
}: {
  dataset: Dataset;
  opened: boolean;
  onClose: () => void;
  onSaved: (dataset: Dataset) => void;
  onReload: () => Promise<Dataset | undefined>;
}) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [reloading, setReloading] = useState(false);
  // The revision the user is editing: the one opened, or the one reloaded after a 409
  const [base, setBase] = useState(dataset);
  const short = (label: string) => (v: string) => (v.trim().length > SHORT ? `${label} takes at most ${SHORT} characters` : null);
  const form = useForm<DatasheetValues>({
    mode: 'controlled',
    initialValues: datasheetValues(dataset),
    validate: {
      licence: short('Licence'),
      collection_period: short('Collection period'),
      bias_examined: (v, values) => (!v.trim() && values.bias_outcome.trim() ? 'Say what was examined, as well as the outcome' : null),
      bias_outcome: (v, values) => (!v.trim() && values.bias_examined.trim() ? 'Give the outcome of the examination' : null),
    },
  });

  useEffect(() => {
    if (opened) {
      setBase(dataset);
      form.setValues(datasheetValues(dataset));
      form.resetDirty(datasheetValues(dataset));
      form.clearErrors();
      setGeneral(null);
      setStale(false);
    }
    // Reset only when the dialog opens, not on every refresh of the dataset while it is open.
  }, [opened]);

  async function submit(values: DatasheetValues) {
    const body = datasheetChanges(base, values);
    if (!body) {
      setGeneral('Nothing changed.');
      return;
    }
    setBusy(true);
    setGeneral(null);
    try {
      onSaved(await api.updateDataset(base.id, body));
    } catch (error) {
      if (isStale(error)) {
        setStale(true);
      } else {
        const problem = problemFromError(error, FIELDS, ALIASES);
        form.setErrors(problem.fields);
        setGeneral(problem.general);
      }
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    setReloading(true);
    const latest = await onReload();
    setReloading(false);
    if (latest) {
      setBase(latest);
      form.setValues(datasheetValues(latest));
      setStale(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Edit datasheet" size="xl">
      <form onSubmit={form.onSubmit(submit)} noValidate aria-label="Edit datasheet">
        <Stack gap="sm">
          {stale && <StaleNotice what="dataset" onReload={reload} reloading={reloading} />}
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Textarea label="Provenance (source)" description="Where the data comes from and how it was obtained" autosize minRows={2} data-autofocus
            {...form.getInputProps('source')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Licence" {...form.getInputProps('licence')} />
            <TextInput label="Collection period" placeholder="2025-01 to 2025-12" {...form.getInputProps('collection_period')} />
            <Textarea label="Geographic scope" autosize minRows={1} {...form.getInputProps('geographic_scope')} />
            <Textarea label="Demographic scope" autosize minRows={1} {...form.getInputProps('demographic_scope')} />
          </SimpleGrid>
          <Textarea label="Labelling procedure" autosize minRows={2} {...form.getInputProps('labelling_procedure')} />
          <Textarea label="Known gaps and limitations" autosize minRows={2} {...form.getInputProps('known_limitations')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Textarea label="Bias examination: what was examined" autosize minRows={2} {...form.getInputProps('bias_examined')} />
            <Textarea label="Bias examination: outcome" autosize minRows={2} {...form.getInputProps('bias_outcome')} />
          </SimpleGrid>
          <Checkbox
            label="Holds personal data"
            {...form.getInputProps('personal_data', { type: 'checkbox' })}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              form.setFieldValue('personal_data', checked);
              if (!checked) form.setFieldValue('special_categories', false);
            }}
          />
          <Checkbox
            label="Includes special categories of personal data (Art. 10(5))"
            disabled={!form.values.personal_data}
            {...form.getInputProps('special_categories', { type: 'checkbox' })}
          />
          <TextInput label="Reason for change" description="Recorded in the audit trail" {...form.getInputProps('reason')} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={stale}>
              Save datasheet
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
