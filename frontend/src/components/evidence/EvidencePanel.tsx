import { Alert, Anchor, Badge, Button, Card, FileInput, Group, Modal, Progress, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { useApi } from '../../api/ApiContext';
import { EVIDENCE_KINDS, type Evidence, type EvidenceCreate, type EvidenceKind } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { useAsync } from '../../hooks/useAsync';
import { errorMessage, formatBytes, formatDateTime } from '../../lib/format';
import { putWithProgress, sha256Hex } from '../../lib/upload';
import { ScrollRegion } from '../ScrollRegion';
import { EmptyState, ErrorState, LoadingState } from '../States';

const KIND_LABELS: Record<EvidenceKind, string> = {
  risk_management_procedure: 'Risk management procedure',
  instructions_for_use: 'Instructions for use',
  declaration_of_conformity: 'EU declaration of conformity',
  fria: 'Fundamental rights impact assessment',
  test_report: 'Test report',
  data_sheet: 'Data sheet',
  other: 'Other',
};
const STATUS_TEXT: Record<Evidence['status'], [string, string]> = {
  pending_upload: ['Not uploaded', 'gray'],
  awaiting_signoff: ['Awaiting sign-off', 'yellow'],
  signed_off: ['Signed off', 'green'],
  superseded: ['Superseded', 'gray'],
  withdrawn: ['Withdrawn', 'gray'],
};
const CONTENT_TYPES: Record<string, EvidenceCreate['content_type']> = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', txt: 'text/plain', csv: 'text/csv', md: 'text/markdown',
  json: 'application/json', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function contentTypeOf(file: File): EvidenceCreate['content_type'] | null {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return CONTENT_TYPES[extension] ?? null;
}

function UploadForm({ modelId, onDone }: { modelId: number; onDone: () => void }) {
  const api = useApi();
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<EvidenceKind>('risk_management_procedure');
  const [covers, setCovers] = useState('');
  const [validUntil, setValidUntil] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (!file) {
      setProblem('Choose a file to upload.');
      return;
    }
    const contentType = contentTypeOf(file);
    if (!contentType) {
      setProblem('The hub accepts PDF, PNG, JPEG, Word, Excel, text, CSV, Markdown and JSON files.');
      return;
    }
    try {
      setProgress(0);
      const sha256 = await sha256Hex(await file.arrayBuffer());
      const ticket = await api.announceEvidence(modelId, {
        title: title.trim() || file.name.replace(/\.[^.]+$/, ''),
        kind,
        covers: covers.split(/[\s,]+/).map((c) => c.trim()).filter(Boolean),
        content_type: contentType,
        size: file.size,
        sha256,
        valid_until: validUntil ? `${validUntil}T00:00:00Z` : undefined,
      });
      await putWithProgress(ticket.upload.url, ticket.upload.headers, file, setProgress);
      const item = await api.completeEvidence(modelId, ticket.evidence.evidence_id);
      notifications.show({ color: 'green', title: 'Evidence uploaded and verified', message: `${item.title}: SHA-256 ${item.sha256.slice(0, 12)}…` });
      setFile(null);
      setTitle('');
      setCovers('');
      setValidUntil('');
      setProgress(null);
      onDone();
    } catch (error) {
      setProgress(null);
      setProblem(errorMessage(error));
    }
  }

  return (
    <Card component="form" onSubmit={submit} aria-label="Upload evidence" noValidate>
      <Title order={3} fz="md" mb="sm">Upload a document</Title>
      <Stack gap="sm">
        <FileInput label="File" placeholder="Choose a file" value={file} onChange={setFile} withAsterisk clearable
          accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.txt,.csv,.md,.json" />
        <Group grow align="flex-start" wrap="wrap">
          <TextInput label="Title" description="Default: the file name" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          <Select label="Kind" value={kind} onChange={(value) => value && setKind(value as EvidenceKind)} allowDeselect={false}
            data={EVIDENCE_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))} />
        </Group>
        <Group grow align="flex-start" wrap="wrap">
          <TextInput label="Covers" description="Obligations or controls, e.g. art-9, iso42001:A.5.2" value={covers}
            onChange={(e) => setCovers(e.currentTarget.value)} />
          <TextInput label="Valid until" type="date" description="When it needs re-review (optional)" value={validUntil}
            onChange={(e) => setValidUntil(e.currentTarget.value)} />
        </Group>
        {progress !== null && (
          <Progress value={Math.round(progress * 100)} aria-label="Upload progress" size="lg" striped animated={progress < 1} />
        )}
        {problem && <Alert color="red" variant="light" role="alert">{problem}</Alert>}
        <Group justify="flex-end">
          <Button type="submit" loading={progress !== null}>Upload</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function DecisionDialog({ modelId, item, action, onClose, onDone }: {
  modelId: number; item: Evidence; action: 'signoff' | 'withdraw'; onClose: () => void; onDone: () => void;
}) {
  const api = useApi();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const verb = action === 'signoff' ? 'Sign off' : 'Withdraw';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      if (action === 'signoff') await api.signOffEvidence(modelId, item.evidence_id, reason.trim(), item.revision);
      else await api.withdrawEvidence(modelId, item.evidence_id, reason.trim(), item.revision);
      notifications.show({ color: 'green', title: action === 'signoff' ? 'Signed off' : 'Withdrawn', message: item.title });
      onDone();
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={`${verb} “${item.title}”`}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            {action === 'signoff'
              ? 'You confirm this document is what it says it is. The sign-off must come from someone other than its uploader.'
              : 'The item is withdrawn and stops evidencing; its file stays in the evidence bucket under retention. ' +
                'If the model\'s approval relied on it, the model goes back under review.'}
          </Text>
          <Textarea label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} withAsterisk autosize minRows={2} />
          {problem && <Alert color="red" variant="light" role="alert">{problem}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={busy} disabled={!reason.trim()} color={action === 'withdraw' ? 'red' : undefined}>{verb}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The model's evidence documents: upload (straight to S3, verified by the hub), sign-off, withdrawal, download.
 * `onWithdrawn` lets the page reload the model: withdrawing what its approval relied on reopens its review. */
export function EvidencePanel({ modelId, canWrite, onWithdrawn }: { modelId: number; canWrite: boolean; onWithdrawn?: () => void }) {
  const api = useApi();
  const { session } = useAuth();
  const list = useAsync((signal) => api.listEvidence(modelId, signal), [modelId]);
  const [deciding, setDeciding] = useState<{ item: Evidence; action: 'signoff' | 'withdraw' } | null>(null);

  async function download(item: Evidence) {
    try {
      const link = await api.downloadEvidence(modelId, item.evidence_id);
      window.location.assign(link.url);
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not download', message: errorMessage(error) });
    }
  }

  return (
    <Stack gap="md">
      <Text c="dimmed" size="sm">
        Documents that evidence this model's obligations, each pinned by its SHA-256. A document counts once a second person has
        signed it off, while it is valid.
      </Text>
      {canWrite && <UploadForm modelId={modelId} onDone={list.reload} />}
      {list.loading && !list.data ? (
        <LoadingState label="Loading evidence…" />
      ) : list.error || !list.data ? (
        <ErrorState error={list.error} onRetry={list.reload} title="Could not load the evidence" />
      ) : list.data.items.length === 0 ? (
        <EmptyState title="No evidence yet">Upload the risk management procedure, instructions for use or test reports.</EmptyState>
      ) : (
        <ScrollRegion label="Evidence, scrollable" minWidth={720}>
          <Table aria-label="Evidence documents" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Document</Table.Th>
                <Table.Th>Covers</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Valid until</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((item) => {
                const [label, color] = STATUS_TEXT[item.status];
                const mine = session?.username?.toLowerCase() === item.uploaded_by.toLowerCase();
                return (
                  <Table.Tr key={item.evidence_id}>
                    <Table.Td>
                      <Text size="sm" fw={600}>{item.title}</Text>
                      <Text size="xs" c="dimmed">{KIND_LABELS[item.kind]} · {formatBytes(item.size)} · by {item.uploaded_by}</Text>
                      <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>SHA-256 {item.sha256}</Text>
                    </Table.Td>
                    <Table.Td><Text size="sm">{item.covers.join(', ') || '—'}</Text></Table.Td>
                    <Table.Td>
                      <Badge color={color} variant="light">{label}</Badge>
                      {item.signoff && <Text size="xs" c="dimmed">by {item.signoff.by}</Text>}
                      {item.expiry && item.status !== 'withdrawn' && (
                        <Badge color={item.expiry === 'expired' ? 'red' : 'orange'} variant="light" mt={4}>{item.expiry}</Badge>
                      )}
                    </Table.Td>
                    <Table.Td><Text size="sm">{item.valid_until ? formatDateTime(item.valid_until).slice(0, 10) : '—'}</Text></Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {item.status !== 'pending_upload' && (
                          <Anchor component="button" type="button" size="sm" onClick={() => void download(item)} aria-label={`Download ${item.title}`}>
                            Download
                          </Anchor>
                        )}
                        {canWrite && item.status === 'awaiting_signoff' && !mine && (
                          <Button size="compact-xs" variant="light" onClick={() => setDeciding({ item, action: 'signoff' })} aria-label={`Sign off ${item.title}`}>
                            Sign off
                          </Button>
                        )}
                        {canWrite && item.status === 'awaiting_signoff' && mine && (
                          <Text size="xs" c="dimmed">Another person signs off</Text>
                        )}
                        {canWrite && item.status !== 'withdrawn' && (
                          <Button size="compact-xs" variant="subtle" color="red" onClick={() => setDeciding({ item, action: 'withdraw' })} aria-label={`Withdraw ${item.title}`}>
                            Withdraw
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollRegion>
      )}
      {deciding && (
        <DecisionDialog modelId={modelId} item={deciding.item} action={deciding.action} onClose={() => setDeciding(null)}
          onDone={() => {
            if (deciding.action === 'withdraw') onWithdrawn?.();
            setDeciding(null);
            list.reload();
          }} />
      )}
    </Stack>
  );
}
