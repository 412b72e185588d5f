import { Alert, Anchor, Group, Stack, Table, Text } from '@mantine/core';
import dagre from '@dagrejs/dagre';
import { Background, Controls, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApi } from '../../api/ApiContext';
import type { Lineage, LineageNode } from '../../api/types';
import { useAsync } from '../../hooks/useAsync';
import { EmptyState, ErrorState, LoadingState } from '../States';

const WIDTH = 220;
const HEIGHT = 56;

/** Where a node links to: its model's page, or its dataset's page; external models have no page here. */
function target(node: LineageNode): string | null {
  if (node.kind === 'model_version' && node.model_id != null) return `/models/${node.model_id}`;
  if (node.kind === 'dataset_version' && node.dataset_id != null) return `/datasets/${node.dataset_id}`;
  return node.documentation_url ?? null;
}

function describe(node: LineageNode): string {
  if (node.kind === 'dataset_version') return `dataset${node.flagged ? ' · FLAGGED' : ''}`;
  if (node.kind === 'external_model') return node.gpai ? 'external GPAI model' : 'external model';
  return node.depth === 0 ? `this model · ${node.compliance_status ?? ''}` : `model · ${node.compliance_status ?? 'deleted'}`;
}

/** Lays the graph out left to right (inputs first) with dagre, the layout library React Flow documents. */
export function layout(lineage: Lineage): { nodes: Node[]; edges: Edge[] } {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  lineage.nodes.forEach((node) => graph.setNode(node.id, { width: WIDTH, height: HEIGHT }));
  lineage.edges.forEach((edge) => graph.setEdge(edge.source, edge.target));
  dagre.layout(graph);
  const nodes: Node[] = lineage.nodes.map((node) => {
    const at = graph.node(node.id);
    const flagged = node.kind === 'dataset_version' && node.flagged;
    return {
      id: node.id,
      position: { x: at.x - WIDTH / 2, y: at.y - HEIGHT / 2 },
      data: { label: `${node.label}\n${describe(node)}` },
      ariaLabel: `${node.label}, ${describe(node)}`,
      style: {
        width: WIDTH,
        whiteSpace: 'pre-line',
        fontSize: 12,
        color: '#1a1b1e',
        background: flagged ? '#ffe3e3' : node.depth === 0 ? '#e7f5ff' : '#ffffff',
        border: `1px solid ${flagged ? '#c92a2a' : '#495057'}`,
        cursor: target(node) ? 'pointer' : 'default',
      },
    };
  });
  const edges: Edge[] = lineage.edges.map((edge) => ({
    id: `${edge.source}->${edge.target}`,
    source: edge.source,
    target: edge.target,
    label: edge.relation,
    labelStyle: { fill: '#1a1b1e', fontSize: 11 },
  }));
  return { nodes, edges };
}

/** The model's lineage: the datasets and base models its versions were built from, and the models built on them. */
export function LineagePanel({ modelId }: { modelId: number }) {
  const api = useApi();
  const navigate = useNavigate();
  const lineage = useAsync((signal) => api.modelLineage(modelId, signal), [api, modelId]);
  const flow = useMemo(() => (lineage.data ? layout(lineage.data) : null), [lineage.data]);

  if (lineage.loading && !lineage.data) return <LoadingState />;
  if (lineage.error || !lineage.data || !flow) return <ErrorState error={lineage.error} onRetry={lineage.reload} title="Could not load the lineage" />;
  const byId = new Map(lineage.data.nodes.map((node) => [node.id, node]));
  if (!lineage.data.edges.length) {
    return <EmptyState title="No lineage declared">Versions declare their datasets and base model when they are registered.</EmptyState>;
  }

  function open(id: string) {
    const node = byId.get(id);
    const to = node ? target(node) : null;
    if (!to) return;
    if (to.startsWith('/')) navigate(to);
    else window.open(to, '_blank', 'noopener');
  }

  return (
    <Stack>
      {lineage.data.truncated && (
        <Alert color="yellow" variant="light">Only {lineage.data.depth_limit} levels are shown each way: the lineage goes further.</Alert>
      )}
      <div style={{ height: 420, border: '1px solid var(--mantine-color-gray-4)' }} aria-label="Lineage graph" role="figure">
        <ReactFlow nodes={flow.nodes} edges={flow.edges} fitView nodesDraggable={false} nodesConnectable={false}
          onNodeClick={(_, node) => open(node.id)} proOptions={{ hideAttribution: false }}>
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
      <Table aria-label="Lineage nodes">
        <Table.Thead>
          <Table.Tr><Table.Th>Node</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Position</Table.Th></Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lineage.data.nodes.map((node) => {
            const to = target(node);
            return (
              <Table.Tr key={node.id}>
                <Table.Td>
                  {to && to.startsWith('/') ? <Anchor component={Link} to={to} size="sm">{node.label}</Anchor> : <Text size="sm">{node.label}</Text>}
                </Table.Td>
                <Table.Td><Text size="sm">{describe(node)}</Text></Table.Td>
                <Table.Td>
                  <Group gap={4}><Text size="sm">{node.depth === 0 ? 'this model' : node.depth < 0 ? `upstream, ${-node.depth}` : `downstream, ${node.depth}`}</Text></Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
