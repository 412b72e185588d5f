import { Button, Center, Stack, Text } from '@mantine/core';
import { errorMessage } from '../lib/format';

export function LoadMore({
  hasMore,
  loading,
  error,
  onLoadMore,
  shown,
  noun,
  total = null,
}: {
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  onLoadMore: () => void;
  shown: number;
  noun: string;
  /** How many there are in all, when known. */
  total?: number | null;
}) {
  return (
    <Center pt="md">
      <Stack gap={6} align="center">
        {hasMore ? (
          <Button variant="default" onClick={onLoadMore} loading={loading}>
            {total !== null && total > shown ? `Load more (${total - shown} left)` : 'Load more'}
          </Button>
        ) : (
          <Text size="xs" c="dimmed">
            Showing all {shown} {noun}
          </Text>
        )}
        {Boolean(error) && (
          <Text size="sm" c="red" role="alert">
            {errorMessage(error)}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
