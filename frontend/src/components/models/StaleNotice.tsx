import { Alert, Button, Text } from '@mantine/core';

/** Shown when a write answered 409 stale_revision: someone else saved first. `what` names the record ("model"). */
export function StaleNotice({ onReload, reloading, what = 'model' }: { onReload: () => void; reloading?: boolean; what?: string }) {
  return (
    <Alert color="yellow" variant="light" title={`This ${what} changed while you were editing`} role="alert">
      <Text size="sm" mb="xs">
        Someone else saved a newer revision. Reload to see the latest values, then apply your change again.
      </Text>
      <Button size="xs" variant="white" color="yellow.9" onClick={onReload} loading={reloading}>
        Reload latest
      </Button>
    </Alert>
  );
}
