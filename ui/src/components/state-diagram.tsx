import { useMemo } from 'preact/hooks';
import type { HistoryEntry, MachineDescription } from '../api-types.js';
import { edgeKey, layoutMachine, type DiagramEdge } from '../lib/machine-layout.js';

const LINE_HEIGHT = 14;

/** A smooth SVG path through dagre's edge points (quadratic curves through the midpoints). */
function pathOf(points: DiagramEdge['points']): string {
  const [first, ...rest] = points;
  if (!first) return '';
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const next = rest[i + 1]!;
    d += ` Q${p.x},${p.y} ${(p.x + next.x) / 2},${(p.y + next.y) / 2}`;
  }
  const last = rest.at(-1);
  if (last) d += ` L${last.x},${last.y}`;
  return d;
}

/** The states a connector went through, in order, from its history. */
export function pathTaken(history: Pick<HistoryEntry, 'from' | 'to'>[]): string[] {
  const path: string[] = [];
  for (const h of history) {
    if (!path.length && h.from) path.push(h.from);
    if (path.at(-1) !== h.to) path.push(h.to);
  }
  return path;
}

interface Props {
  machine: MachineDescription;
  current: string;
  history: Pick<HistoryEntry, 'from' | 'to'>[];
}

/**
 * The lifecycle as a graph laid out by dagre: the current state filled, the states and transitions
 * this connector went through outlined in the accent colour.
 */
export function StateDiagram({ machine, current, history }: Props) {
  const layout = useMemo(() => layoutMachine(machine), [machine]);
  const path = pathTaken(history);
  const visited = new Set(path);
  const taken = new Set<string>();
  for (const h of history) if (h.from && h.from !== h.to) taken.add(edgeKey(h.from, h.to));
  const selfEvents = Object.entries(layout.selfEvents);

  return (
    <figure class="diagram">
      <div class="diagram-scroll" tabIndex={0} role="region" aria-label="State diagram, scrollable">
        <svg
          role="img"
          aria-labelledby="diagram-title diagram-desc"
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          width={layout.width}
          height={layout.height}
        >
          <title id="diagram-title">Lifecycle state diagram</title>
          <desc id="diagram-desc">
            {`Current state: ${current}.`}
            {path.length > 1 ? ` Path taken: ${path.join(' → ')}.` : ''}
          </desc>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
            </marker>
            <marker
              id="arrow-taken"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head taken" />
            </marker>
          </defs>
          {layout.edges.map((e) => {
            const isTaken = taken.has(e.key);
            const internal = e.events.every((ev) => ev.internal);
            return (
              <g
                key={e.key}
                class={`edge${isTaken ? ' taken' : ''}${internal ? ' internal' : ''}`}
                data-edge={e.key}
                data-taken={isTaken ? 'true' : undefined}
              >
                <path
                  d={pathOf(e.points)}
                  marker-end={`url(#${isTaken ? 'arrow-taken' : 'arrow'})`}
                />
                <rect
                  class="edge-label-bg"
                  x={e.label.x - e.label.width / 2}
                  y={e.label.y - e.label.height / 2}
                  width={e.label.width}
                  height={e.label.height}
                  rx="3"
                />
                <text class="edge-label" x={e.label.x} y={e.label.y - e.label.height / 2 + 2}>
                  {e.events.map((ev, i) => (
                    <tspan
                      key={ev.event}
                      x={e.label.x}
                      dy={i === 0 ? LINE_HEIGHT - 3 : LINE_HEIGHT}
                      class={ev.internal ? 'internal' : undefined}
                    >
                      {ev.event}
                    </tspan>
                  ))}
                </text>
              </g>
            );
          })}
          {layout.nodes.map((n) => {
            const isCurrent = n.state === current;
            const cls = `node level-${n.supportLevel}${isCurrent ? ' current' : ''}${
              visited.has(n.state) ? ' visited' : ''
            }`;
            return (
              <g
                key={n.state}
                class={cls}
                data-state={n.state}
                data-current={isCurrent ? 'true' : undefined}
              >
                <rect
                  x={n.x - n.width / 2}
                  y={n.y - n.height / 2}
                  width={n.width}
                  height={n.height}
                  rx="8"
                />
                <text x={n.x} y={n.y - 4} class="node-level">
                  {n.supportLevel}
                </text>
                <text x={n.x} y={n.y + 12} class="node-status">
                  {n.status}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption>
        <span class="legend-item legend-current">current state</span>
        <span class="legend-item legend-taken">path this connector took</span>
        <span class="legend-item legend-internal">internal event (tests, timer)</span>
        {selfEvents.length ? (
          <span class="legend-note">
            Not drawn: {[...new Set(selfEvents.flatMap(([, evs]) => evs))].join(', ')} (keeps the
            state).
          </span>
        ) : null}
      </figcaption>
    </figure>
  );
}
