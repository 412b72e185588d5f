import { Button, Code, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileTypePdf } from '@tabler/icons-react';
import { useState } from 'react';
import { useApi } from '../../api/ApiContext';
import { ApiError } from '../../api/client';
import type { ComplianceReportLink, Model } from '../../api/types';
import { errorMessage, formatBytes, formatDateTime } from '../../lib/format';

/** Asks the API for a fresh compliance report and offers its short-lived download link. */
export function ReportButton({ model }: { model: Model }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ComplianceReportLink | null>(null);

  async function generate() {
    setBusy(true);
    try {
      setReport(await api.complianceReport(model.id));
    } catch (error) {
      const unavailable = error instanceof ApiError && error.status === 404;
      notifications.show({
        color: unavailable ? 'gray' : 'red',
        title: unavailable ? 'Reports not available' : 'Report could not be generated',
        message: unavailable
          ? 'Compliance reports are not available on this deployment yet.'
          : errorMessage(error),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant="default" leftSection={<IconFileTypePdf size={16} />} onClick={generate} loading={busy}>
        Download PDF report
      </Button>
      <Modal opened={report !== null} onClose={() => setReport(null)} title="Compliance report ready">
        {report && (
          <Stack gap="md">
            <Text size="sm">
              The EU AI Act compliance report for <b>{model.name}</b> has been generated. The link expires{' '}
              {formatDateTime(report.expires_at)}.
            </Text>
            <Table variant="vertical" withTableBorder layout="fixed" fz="sm">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w={90}>Size</Table.Th>
                  <Table.Td>{formatBytes(report.size_bytes)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Td>
                    <Code style={{ wordBreak: 'break-all' }} data-testid="report-sha256">
                      {report.sha256}
                    </Code>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setReport(null)}>
                Close
              </Button>
              <Button
                component="a"
                href={report.url}
                target="_blank"
                rel="noopener"
                leftSection={<IconFileTypePdf size={16} />}
              >
                Open PDF
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}
