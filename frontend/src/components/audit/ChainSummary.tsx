import { Alert, Anchor, Button, Group, List, Text } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../../api/ApiContext';
import type { GovernanceApi } from '../../api/endpoints';
import type { Model, Page } from '../../api/types';
import { errorMessage } from '../../lib/format';

interface ChainResult {
  model: Model;
  intact: boolean | null;
  records: number;
  detail: string;
  /** `full`: every record re-hashed; `incremental`: signed digests, the records since the last one and a sample. */
  mode: string | null;
}

const PARALLEL = 4;

async function verifyAll(api: GovernanceApi, onProgress: (done: number, total: number) => void): Promise<ChainResult[]> {
  const models: Model[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Model> = await api.listModels({}, cursor, undefined, 100);
    models.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  const results: ChainResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < models.length) {
      const model = models[next++];
      try {
        const v = await api.verifyModelAudit(model.id);
        const at = v.first_break;
        results.push({ model, intact: v.intact, records: v.records, mode: v.mode ?? null, detail: at ? `${at.problem ?? 'break'} at record ${at.sequence ?? '?'}` : '' });
      } catch (error) {
        results.push({ model, intact: null, records: 0, mode: null, detail: errorMessage(error) });
      }
      onProgress(results.length, models.length);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results.sort((a, b) => a.model.name.localeCompare(b.model.name));
}

/** "Verify all chains": re-hashes every current model's audit chain and sums up what it found. */
export function ChainSummary() {
  const api = useApi();
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<[number, number] | null>(null);
  const [results, setResults] = useState<ChainResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setRunning(true);
    setError(null);
    setResults(null);
    try {
      setResults(await verifyAll(api, (done, total) => setProgress([done, total])));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRunning(false);
      setProgress(null);
    }
  }

  const broken = results?.filter((r) => r.intact === false) ?? [];
  const failed = results?.filter((r) => r.intact === null) ?? [];
  const records = results?.reduce((sum, r) => sum + r.records, 0) ?? 0;
  const incremental = results?.filter((r) => r.mode === 'incremental').length ?? 0;
  return (
    <Group mb="md" gap="sm" align="flex-start" wrap="wrap">
      <Button variant="light" leftSection={<IconShieldCheck size={16} />} onClick={run} loading={running}>
        Verify all chains
      </Button>
      <div role="status" aria-live="polite" style={{ flex: 1, minWidth: 240 }}>
        {running && progress && (
          <Text size="sm" c="dimmed">
            Verified {progress[0]} of {progress[1]} chains…
          </Text>
        )}
        {error && (
          <Text size="sm" c="red.9">
            {error}
          </Text>
        )}
        {results && (
          <Alert
            color={broken.length ? 'red' : failed.length ? 'yellow' : 'green'}
            variant="light"
            title={
              broken.length
                ? `${broken.length} of ${results.length} chains broken`
                : `All ${results.length - failed.length} chains intact`
            }
          >
            <Text size="sm">
              {records} records in the chains of {results.length} models{failed.length ? `; ${failed.length} could not be verified` : ''}.
              {incremental > 0
                ? ` ${incremental} checked incrementally (signed digests, the records since the last one and a sample), ${results.length - failed.length - incremental} in full.`
                : ' Every record re-hashed.'}{' '}
              Deleted models' chains are checked from their bundles.
            </Text>
            {[...broken, ...failed].length > 0 && (
              <List size="sm" mt="xs" aria-label="Chains needing attention">
                {[...broken, ...failed].map((r) => (
                  <List.Item key={r.model.id}>
                    <Anchor component={Link} to={`/models/${r.model.id}?tab=audit`}>
                      {r.model.name}
                    </Anchor>
                    : {r.intact === false ? 'broken' : 'not verified'} ({r.detail})
                  </List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
      </div>
    </Group>
  );
}
