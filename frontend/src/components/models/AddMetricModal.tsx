import { Alert, Autocomplete, Button, Group, Modal, NumberInput, Select, Stack } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import type { Metric, RiskLevel, Version } from '../../api/types';
import { usePolicyHints } from '../../hooks/usePolicyHints';
import { problemFromError } from '../../lib/formErrors';

// Generic evaluation metrics, after the ones the active policy names (which come first).
const COMMON_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'auc', 'latency_ms'];

export function AddMetricModal({
  riskLevel,
  versions,
  knownNames,
  opened,
  onClose,
  onCreated,
}: {
  riskLevel: RiskLevel;
  versions: Version[];
  knownNames: string[];
  opened: boolean;
  onClose: () => void;
  onCreated: (metric: Metric) => void;
}) {
  const api = useApi();
  const [versionId, setVersionId] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [value, setValue] = useState<string | number>('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hints = usePolicyHints(riskLevel);

  useEffect(() => {
    if (opened) {
      setVersionId(versions[0] ? String(versions[0].id) : null);
      setName('');
      setValue('');
      setErrors({});
      setGeneral(null);
    }
    // Reset only when the dialog opens.
  }, [opened]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (!versionId) next.version_id = 'Choose a version';
    if (!name.trim()) next.metric_name = 'Metric name is required';
    else if (name.trim().length > 64) next.metric_name = 'At most 64 characters';
    if (value === '' || Number.isNaN(Number(value))) next.value = 'Enter a number';
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    setGeneral(null);
    try {
      onCreated(await api.createMetric(Number(versionId), name.trim(), Number(value)));
    } catch (error) {
      const problem = problemFromError(error, ['version_id', 'metric_name', 'value']);
      setErrors(problem.fields);
      setGeneral(problem.general);
    } finally {
      setBusy(false);
    }
  }

  const suggestions = [...new Set([...hints.metrics.map((m) => m.name), ...knownNames, ...COMMON_METRICS])];
  const hint = hints.metrics.find((m) => m.name === name.trim());
  const nameHelp = hint
    ? hint.text
    : hints.summary
      ? `The active policy asks for: ${hints.summary}`
      : undefined;

  return (
    <Modal opened={opened} onClose={onClose} title="Add metric">
      <form onSubmit={submit} noValidate aria-label="Add metric">
        <Stack gap="sm">
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Select
            label="Version"
            data={versions.map((v) => ({ value: String(v.id), label: v.version_tag }))}
            value={versionId}
            onChange={setVersionId}
            allowDeselect={false}
            error={errors.version_id}
            withAsterisk
          />
          <Autocomplete
            label="Metric name"
            placeholder="accuracy"
            data={suggestions}
            description={nameHelp}
            value={name}
            onChange={setName}
            error={errors.metric_name}
            withAsterisk
          />
          <NumberInput
            label="Value"
            placeholder="0.95"
            value={value}
            onChange={setValue}
            decimalScale={6}
            error={errors.value}
            withAsterisk
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add metric
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
