import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The connector specification a passing acceptance run may leave in `{reportDir}/spec.json`
 * (SPEC §11): Airbyte's ConnectorSpecification object, or the protocol message that carries it
 * (`{"type": "SPEC", "spec": {...}}`, what a connector's `spec` command prints).
 */
export const SPEC_FILE = 'spec.json';
const MAX_SPEC_BYTES = 4 * 1024 * 1024;

export interface SpecFileResult {
  spec: Record<string, unknown> | null;
  /** why a spec.json that exists was not used */
  problem: string | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export async function readSpecFile(reportDir: string): Promise<SpecFileResult> {
  const file = path.join(reportDir, SPEC_FILE);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { spec: null, problem: `${SPEC_FILE} is not a file` };
    size = info.size;
  } catch {
    return { spec: null, problem: null };
  }
  if (size > MAX_SPEC_BYTES) {
    return { spec: null, problem: `${SPEC_FILE} is larger than ${MAX_SPEC_BYTES} bytes` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    return { spec: null, problem: `${SPEC_FILE} is not JSON (${(err as Error).message})` };
  }
  if (isObject(parsed) && parsed.type === 'SPEC' && isObject(parsed.spec)) {
    return { spec: parsed.spec, problem: null };
  }
  if (isObject(parsed)) return { spec: parsed, problem: null };
  return { spec: null, problem: `${SPEC_FILE} is not a JSON object` };
}
