import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import type { Model } from '../../api/types';
import { errorMessage } from '../../lib/format';

export function DeleteModelDialog({
  model,
  opened,
  onClose,
  onDeleted,
}: {
  model: Model;
  opened: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const api = useApi();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (opened) {
      setReason('');
      setError(null);
      setReasonError(null);
    }
  }, [opened]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('A reason is required');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.deleteModel(model.id, reason.trim());
      onDeleted();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Delete model">
      <form onSubmit={submit} noValidate aria-label="Delete model">
        <Stack gap="sm">
          <Text size="sm">
            This permanently deletes <b>{model.name}</b> with its versions and metrics. The audit trail keeps the
            record of the deletion. To keep the model for the record, retire it instead.
          </Text>
          {error && (
            <Alert color="red" variant="light" role="alert">
              {error}
            </Alert>
          )}
          <Textarea
            label="Reason for deletion"
            autosize
            minRows={2}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reasonError}
            withAsterisk
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy}>
              Delete permanently
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
