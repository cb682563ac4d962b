import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UsageError } from '../cli-errors.js';

/** A file's text; a missing or unreadable file is bad usage. */
export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `${path}: no such file`
        : `${path}: cannot read it (${code ?? String(err)})`,
    );
  }
}

/** Parses YAML text (the `yaml` package is loaded only when a command needs it). */
export async function parseYaml(text: string, path: string): Promise<unknown> {
  const { parse } = await import('yaml');
  try {
    return parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
}

/** A JSON or YAML document, by the file's extension (.json, .yaml, .yml; JSON is valid YAML too). */
export async function readJsonOrYaml(path: string): Promise<unknown> {
  const text = await readText(path);
  return extname(path).toLowerCase() === '.json' ? parseJson(text, path) : parseYaml(text, path);
}
