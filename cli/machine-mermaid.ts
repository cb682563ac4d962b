import type { MachineDescription } from './api-types.js';

/** A Mermaid state id for "community.active": letters, digits and _ only. */
export function mermaidId(state: string): string {
  return state.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The machine of GET /v1/machine as a Mermaid `stateDiagram-v2`: one composite state per support
 * level holding its statuses, and one arrow per transition labelled with its event (and guard).
 * Internal events (acceptance results, timers) are marked with an asterisk.
 */
export function machineToMermaid(machine: MachineDescription): string {
  const lines = ['stateDiagram-v2'];
  const levels = new Map<string, MachineDescription['states']>();
  for (const s of machine.states) {
    levels.set(s.supportLevel, [...(levels.get(s.supportLevel) ?? []), s]);
  }
  for (const [level, states] of levels) {
    lines.push(`  state ${mermaidId(level)} {`);
    for (const s of states) lines.push(`    ${mermaidId(s.state)}: ${s.status}`);
    lines.push('  }');
  }
  const seen = new Set<string>();
  for (const s of machine.states) {
    for (const t of s.transitions) {
      const label = `${t.event}${t.internal ? '*' : ''}${t.guard ? ` [${t.guard}]` : ''}`;
      const line = `  ${mermaidId(s.state)} --> ${mermaidId(t.target)}: ${label}`;
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
    }
  }
  lines.push(`  %% * internal event (never sent through the API)`);
  return `${lines.join('\n')}\n`;
}
