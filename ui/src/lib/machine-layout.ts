import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { MachineDescription } from '../api-types.js';

export interface DiagramNode {
  state: string;
  supportLevel: string;
  status: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Every transition between two states, merged into one arrow with one line per event. */
export interface DiagramEdge {
  key: string;
  from: string;
  to: string;
  events: { event: string; internal: boolean }[];
  points: { x: number; y: number }[];
  label: { x: number; y: number; width: number; height: number };
}

export interface DiagramLayout {
  width: number;
  height: number;
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** events that keep the state (PUBLISH_RELEASE), by state: not drawn as loops */
  selfEvents: Record<string, string[]>;
}

const NODE_WIDTH = 156;
const NODE_HEIGHT = 44;
const CHAR_WIDTH = 6.4;
const LINE_HEIGHT = 14;

export const edgeKey = (from: string, to: string) => `${from}->${to}`;

/** Lays the machine out top to bottom with dagre; the page draws the result as SVG. */
export function layoutMachine(machine: MachineDescription): DiagramLayout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  g.setGraph({ rankdir: 'TB', nodesep: 28, edgesep: 14, ranksep: 56, marginx: 8, marginy: 8 });

  const merged = new Map<string, { from: string; to: string; events: DiagramEdge['events'] }>();
  const selfEvents: Record<string, string[]> = {};
  for (const s of machine.states) {
    g.setNode(s.state, { width: NODE_WIDTH, height: NODE_HEIGHT });
    for (const t of s.transitions) {
      if (t.target === s.state) {
        const list = (selfEvents[s.state] ??= []);
        if (!list.includes(t.event)) list.push(t.event);
        continue;
      }
      const key = edgeKey(s.state, t.target);
      const edge = merged.get(key) ?? { from: s.state, to: t.target, events: [] };
      if (!edge.events.some((e) => e.event === t.event)) {
        edge.events.push({ event: t.event, internal: t.internal });
      }
      merged.set(key, edge);
    }
  }
  for (const [key, edge] of merged) {
    const longest = Math.max(...edge.events.map((e) => e.event.length));
    g.setEdge(edge.from, edge.to, {
      width: longest * CHAR_WIDTH + 8,
      height: edge.events.length * LINE_HEIGHT + 4,
      labelpos: 'c',
      key,
    });
  }

  dagre.layout(g);

  const nodes: DiagramNode[] = machine.states.map((s) => {
    const n = g.node(s.state);
    return {
      state: s.state,
      supportLevel: s.supportLevel,
      status: s.status,
      x: n.x ?? 0,
      y: n.y ?? 0,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    };
  });
  const edges: DiagramEdge[] = [...merged.entries()].map(([key, edge]) => {
    const laid = g.edge(edge.from, edge.to);
    return {
      key,
      ...edge,
      points: laid.points ?? [],
      label: {
        x: laid.x ?? 0,
        y: laid.y ?? 0,
        width: laid.width ?? 0,
        height: laid.height ?? 0,
      },
    };
  });
  const graph = g.graph();
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges, selfEvents };
}
