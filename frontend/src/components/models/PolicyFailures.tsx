import { Alert, List, Text } from '@mantine/core';
import type { FailedRule } from '../../api/types';

/** Rules a policy engine found broken, as a list a reviewer can act on. */
export function PolicyFailures({ rules, message }: { rules: FailedRule[]; message?: string }) {
  return (
    <Alert color="red" variant="light" title="Policy checks failed" role="alert">
      {message && (
        <Text size="sm" mb="xs">
          {message}
        </Text>
      )}
      <List size="sm" spacing={4} aria-label="Failed policy rules">
        {rules.map((rule) => (
          <List.Item key={`${rule.rule}-${rule.reason}`}>
            <Text span fw={600} size="sm">
              {rule.rule}
            </Text>
            {rule.reason && <Text span size="sm">: {rule.reason}</Text>}
            {rule.article && (
              <Text span size="sm" c="dimmed">
                {' '}
                ({rule.article})
              </Text>
            )}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
