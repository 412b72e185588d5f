import { Anchor, Badge, Box, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import { useAsync } from '../../hooks/useAsync';
import { useModelNames } from '../../hooks/useNames';
import { ErrorState, LoadingState } from '../States';

/** Evidence documents expired or expiring within 30 days (read from the due-date index, soonest first). */
export function EvidenceAttention() {
  const api = useApi();
  const due = useAsync((signal) => api.evidenceAttention(signal), [api]);
  const names = useModelNames((due.data?.items ?? []).map((item) => item.model_id));
  if (due.loading && !due.data) return <LoadingState label="Loading expiring evidence…" />;
  if (due.error || !due.data) return <ErrorState error={due.error} onRetry={due.reload} title="Could not load expiring evidence" />;
  const items = due.data.items;
  return (
    <Stack gap={6}>
      <Title order={3} fz="sm">
        Evidence expiring or expired
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">No evidence document expires in the next 30 days.</Text>
      ) : (
        <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Evidence expiring or expired">
          {items.map((item) => (
            <Box component="li" key={`${item.model_id}-${item.evidence_id}`}>
              <Group gap="xs" wrap="nowrap">
                <Badge color={item.expiry === 'expired' ? 'red' : 'orange'} variant="light">{item.expiry ?? 'due'}</Badge>
                <Anchor component={Link} to={`/models/${item.model_id}?tab=evidence`} size="sm" fw={600}>
                  {item.title}
                </Anchor>
              </Group>
              <Text size="xs" c="dimmed">
                {names[item.model_id] ?? `Model #${item.model_id}`} · valid until {item.valid_until?.slice(0, 10)} · covers {item.covers.join(', ') || 'nothing'}
              </Text>
            </Box>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
