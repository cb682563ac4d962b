import { describe, expect, it } from 'vitest';
import { API_EVENT_TYPES, INTERNAL_EVENT_TYPES } from '../../../machines/connector-events.js';
import { describeMachine } from '../../../machines/connector-lifecycle.js';
import type { MachineDescription } from '../../../cli/api-types.js';
import { machineToMermaid, mermaidId } from '../../../cli/machine-mermaid.js';
import { newLifecycle } from '../machine/fixtures.js';

/** What GET /v1/machine serves (catalog-routes.ts), made here from the real machine. */
const machine = JSON.parse(
  JSON.stringify({
    ...describeMachine(newLifecycle()),
    events: API_EVENT_TYPES,
    internalEvents: INTERNAL_EVENT_TYPES,
  }),
) as MachineDescription;

describe('machine --mermaid', () => {
  const text = machineToMermaid(machine);
  const lines = text.trimEnd().split('\n');

  it('is a stateDiagram-v2 with one composite state per support level', () => {
    expect(lines[0]).toBe('stateDiagram-v2');
    for (const level of ['custom', 'community', 'certified', 'archived']) {
      expect(lines).toContain(`  state ${level} {`);
    }
    for (const s of machine.states)
      expect(lines).toContain(`    ${mermaidId(s.state)}: ${s.status}`);
  });

  it('draws every transition once, internal events marked, guards named', () => {
    const arrows = lines.filter((l) => l.includes('-->'));
    const expected = new Set(
      machine.states.flatMap((s) =>
        s.transitions.map(
          (t) =>
            `  ${mermaidId(s.state)} --> ${mermaidId(t.target)}: ${t.event}${t.internal ? '*' : ''}${t.guard ? ` [${t.guard}]` : ''}`,
        ),
      ),
    );
    expect(arrows).toEqual([...expected]);
    expect(arrows).toContain(
      '  archived_idle --> archived_unarchiveTesting: REQUEST_UNARCHIVE [policyAllows]',
    );
    expect(arrows).toContain(
      '  custom_contributing --> custom_active: ACCEPTANCE_FAILED* [gateMatches]',
    );
  });

  it('uses ids Mermaid accepts', () => {
    expect(mermaidId('archived.unarchiveReview')).toBe('archived_unarchiveReview');
    for (const line of lines.filter((l) => l.includes('-->'))) {
      expect(line).toMatch(/^ {2}[A-Za-z0-9_]+ --> [A-Za-z0-9_]+: [A-Z_]+\*?( \[[A-Za-z]+\])?$/);
    }
  });
});
