import { ActionIcon, Badge, Button, Code, CopyButton, Group, Paper, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconPlus } from '@tabler/icons-react';
import type { Model, Version } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { EmptyState, ErrorState, LoadingState } from '../States';
import { RegisterVersionModal } from './RegisterVersionModal';

function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : `Copy ${label}`} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label={`Copy ${label}`}>
            {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

export function VersionsPanel({
  model,
  versions,
  loading,
  error,
  onRetry,
  canWrite,
  onCreated,
}: {
  model: Model;
  versions: Version[];
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  canWrite: boolean;
  onCreated: (version: Version) => void;
}) {
  const [opened, modal] = useDisclosure(false);
  const retired = model.compliance_status === 'retired';

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Trained artifacts of this model, newest first. The approved version is what a deployment gate accepts.
        </Text>
        {canWrite && (
          <Tooltip label="A retired model accepts no new versions" disabled={!retired}>
            <Button leftSection={<IconPlus size={16} />} onClick={modal.open} disabled={retired} variant="light">
              Register version
            </Button>
          </Tooltip>
        )}
      </Group>
      <Paper p={0}>
        {loading ? (
          <LoadingState label="Loading versions…" />
        ) : error ? (
          <Stack p="md">
            <ErrorState error={error} onRetry={onRetry} title="Could not load versions" />
          </Stack>
        ) : versions.length === 0 ? (
          <EmptyState title="No versions yet">
            {canWrite ? 'Register the first trained artifact of this model.' : 'The owners have not registered a version yet.'}
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="sm" horizontalSpacing="md" aria-label="Versions">
              <Table.Thead bg="var(--mantine-color-gray-0)">
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Artifact location</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Th>Registered</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {versions.map((version) => (
                  <Table.Tr key={version.id}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text fw={600} size="sm" ff="monospace">
                          {version.version_tag}
                        </Text>
                        {model.approved_version_id === version.id && (
                          <Badge size="xs" color="green" variant="light">
                            approved
                          </Badge>
                        )}
                      </Group>
                      {version.description && (
                        <Text size="xs" c="dimmed" lineClamp={2} maw={260}>
                          {version.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Code style={{ wordBreak: 'break-all' }}>{version.s3_path}</Code>
                        <CopyValue value={version.s3_path} label={`artifact location of ${version.version_tag}`} />
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {version.sha256 ? (
                        <Group gap={4} wrap="nowrap">
                          <Tooltip label={version.sha256} withArrow multiline w={300} style={{ wordBreak: 'break-all' }}>
                            <Code title={version.sha256}>
                              <VisuallyHidden>SHA-256 {version.sha256}</VisuallyHidden>
                              <span aria-hidden>{`${version.sha256.slice(0, 12)}…`}</span>
                            </Code>
                          </Tooltip>
                          <CopyValue value={version.sha256} label={`SHA-256 of ${version.version_tag}`} />
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          not recorded
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(version.created_at)}</Text>
                      {version.created_by && (
                        <Text size="xs" c="dimmed">
                          by {version.created_by}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {canWrite && (
        <RegisterVersionModal
          model={model}
          opened={opened}
          onClose={modal.close}
          onCreated={(version) => {
            modal.close();
            notifications.show({ color: 'green', title: 'Version registered', message: `${version.version_tag} added to ${model.name}.` });
            onCreated(version);
          }}
        />
      )}
    </Stack>
  );
}
