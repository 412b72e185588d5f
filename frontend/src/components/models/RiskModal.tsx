import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import type { Model, RiskLevel } from '../../api/types';
import { isStale, problemFromError } from '../../lib/formErrors';
import { RISK_OPTIONS } from './RegisterModelModal';
import { StaleNotice } from './StaleNotice';

export function RiskModal({
  model,
  opened,
  onClose,
  onSaved,
  onReload,
}: {
  model: Model;
  opened: boolean;
  onClose: () => void;
  onSaved: (model: Model) => void;
  onReload: () => Promise<Model | undefined>;
}) {
  const api = useApi();
  const [level, setLevel] = useState<string | null>(model.risk_level);
  const [justification, setJustification] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reloading, setReloading] = useState(false);

  useEffect(() => {
    if (opened) {
      setLevel(model.risk_level);
      setJustification('');
      setErrors({});
      setGeneral(null);
      setStale(false);
    }
    // Reset only when the dialog opens.
  }, [opened]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const nextErrors: Record<string, string> = {};
    if (!level) nextErrors.risk_level = 'Choose a risk level';
    if (!justification.trim()) nextErrors.justification = 'A justification is required';
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length) return;
    setBusy(true);
    setGeneral(null);
    try {
      onSaved(await api.changeRisk(model.id, level as RiskLevel, justification.trim(), model.revision));
    } catch (error) {
      if (isStale(error)) {
        setStale(true);
      } else {
        const problem = problemFromError(error, ['risk_level', 'justification']);
        setErrors(problem.fields);
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
      setLevel(latest.risk_level);
      setStale(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Edit risk level">
      <form onSubmit={submit} noValidate aria-label="Edit risk level">
        <Stack gap="sm">
          {stale && <StaleNotice onReload={reload} reloading={reloading} />}
          {general && (
            <Alert color="red" variant="light" role="alert">
              {general}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            The EU AI Act tier decides which obligations apply. Every change is recorded with its justification.
          </Text>
          <Select
            label="Risk level"
            data={RISK_OPTIONS}
            value={level}
            onChange={setLevel}
            allowDeselect={false}
            error={errors.risk_level}
            withAsterisk
          />
          <Textarea
            label="Justification"
            placeholder="Why this tier applies (use case, Annex III category, affected people)…"
            autosize
            minRows={3}
            value={justification}
            onChange={(e) => setJustification(e.currentTarget.value)}
            error={errors.justification}
            withAsterisk
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={stale}>
              Save risk level
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
