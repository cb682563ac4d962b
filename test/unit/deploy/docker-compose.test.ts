import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  ports?: string[];
  environment?: Record<string, string>;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml (SPEC §10)', () => {
  it('publishes every port on 127.0.0.1 only', () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('has no default admin token: compose refuses to start without one', () => {
    const token = compose.services.lifecycle?.environment?.LIFECYCLE_ADMIN_TOKEN;
    // ${VAR:?message} is compose's "required variable" form; ${VAR:-default} would be a default.
    expect(token).toMatch(/^\$\{LIFECYCLE_ADMIN_TOKEN:\?[^}]+\}$/);
  });
});
