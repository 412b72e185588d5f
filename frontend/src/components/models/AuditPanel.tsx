import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { AuditRecord, AuditVerification } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { usePagedList } from '../../hooks/usePagedList';
import { AsOfPanel } from '../audit/AsOfPanel';
import { AuditTimeline } from '../audit/AuditTimeline';
import { ChainBadge } from '../audit/ChainBadge';
import { LoadMore } from '../LoadMore';
import { EmptyState, ErrorState, LoadingState, NotAvailable } from '../States';

export function AuditPanel({ modelId, revision }: { modelId: number; revision: number }) {
  const api = useApi();
  // Re-read after every write to the model (its revision moves on), so the trail shows the change.
  const list = usePagedList<AuditRecord>((cursor, signal) => api.modelAuditLogs(modelId, cursor, signal), [modelId, revision]);
  const verify = useAsync<AuditVerification>((signal) => api.verifyModelAudit(modelId, signal), [modelId, revision]);
  const unavailable = list.error instanceof ApiError && list.error.status === 404;

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Every change to this model, hash-chained so that tampering is detectable.
        </Text>
        <Group gap="xs">
          <ChainBadge verification={verify.data} loading={verify.loading} error={verify.error} />
          <Button
            size="compact-sm"
            variant="subtle"
            color="gray"
            leftSection={<IconRefresh size={14} />}
            onClick={() => {
              list.reload();
              verify.reload();
            }}
          >
            Refresh
          </Button>
        </Group>
      </Group>
      <AsOfPanel modelId={modelId} />
      <Paper p="lg">
        {list.loading ? (
          <LoadingState label="Loading audit trail…" />
        ) : unavailable ? (
          <NotAvailable what="The audit trail" />
        ) : list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} title="Could not load the audit trail" />
        ) : list.items.length === 0 ? (
          <EmptyState title="No audit records yet">Changes appear here a moment after they are saved.</EmptyState>
        ) : (
          <>
            <AuditTimeline records={list.items} />
            <LoadMore
              hasMore={list.hasMore}
              loading={list.loadingMore}
              error={list.moreError}
              onLoadMore={list.loadMore}
              shown={list.items.length}
              noun="records"
            />
          </>
        )}
      </Paper>
    </Stack>
  );
}
