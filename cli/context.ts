import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import { Output, type Streams } from './output.js';
import { cliVersion } from './version.js';

/** The global options (SPEC §12), accepted before or after the command; a flag wins over its variable. */
export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

export interface CommandContext {
  client: ApiClient;
  out: Output;
}

export type ContextFactory = (command: Command) => CommandContext;

export function contextFactory(streams: Streams): ContextFactory {
  return (command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const out = new Output(globals.json === true, streams);
    const client = new ApiClient({
      url: globals.url,
      token: globals.token || undefined,
      userAgent: `lifecycle-cli/${cliVersion()}`,
    });
    return { client, out };
  };
}
