import { readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';
import { toError } from '../errors.js';

/**
 * The Lua scripts live as files in ./lua/ (the build copies them next to the compiled code, see
 * `npm run build`), read once when their command is declared. A script may include others (their
 * local functions), which go before its own source.
 */
const LUA_DIR = new URL('./lua/', import.meta.url);

type CustomCommand = (
  numberOfKeys: number,
  ...keysAndArgs: (string | number)[]
) => Promise<unknown>;

/**
 * A Lua script in ./lua/<name>.lua, run as an ioredis custom command (`defineCommand`, as bullmq
 * does): ioredis runs it by its SHA (EVALSHA) and sends the source (EVAL) only when Redis does
 * not know it yet. The command is defined once on each connection it is run on.
 */
export class LuaCommand {
  /** The command's name on a connection: `lifecycle` + the file name in camelCase. */
  readonly command: string;
  readonly source: string;
  private readonly definedOn = new WeakSet<Redis>();

  constructor(
    readonly name: string,
    { include = [] }: { include?: string[] } = {},
  ) {
    this.command = `lifecycle-${name}`.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
    this.source = [...include, name]
      .map((file) => readFileSync(new URL(`${file}.lua`, LUA_DIR), 'utf8'))
      .join('\n');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    this.defineOn(redis);
    const command = (redis as unknown as Record<string, CustomCommand>)[this.command]!;
    return command.call(redis, keys.length, ...keys, ...args);
  }

  /**
   * Runs the script once per call in one pipeline (one round trip); ioredis loads the script first
   * when Redis does not know it. Each reply is the result or its Error. A single call goes as it
   * is, without a pipeline (ioredis copies every script of the connection onto each pipeline).
   */
  async runMany(
    redis: Redis,
    calls: { keys: string[]; args: (string | number)[] }[],
  ): Promise<unknown[]> {
    if (calls.length === 1) {
      const [call] = calls as [{ keys: string[]; args: (string | number)[] }];
      return [await this.run(redis, call.keys, call.args).catch((err: unknown) => toError(err))];
    }
    this.defineOn(redis);
    const pipeline = redis.pipeline();
    for (const call of calls) this.addTo(redis, pipeline, call.keys, call.args);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, value]) => err ?? value);
  }

  /**
   * Adds one call of the script to `pipeline`, a pipeline of `redis` made after `defineOn(redis)`
   * (a pipeline knows the commands its connection had when it was made), to run with its other
   * commands.
   */
  private addTo(
    redis: Redis,
    pipeline: ChainableCommander,
    keys: string[],
    args: (string | number)[],
  ): void {
    this.defineOn(redis);
    const command = (pipeline as unknown as Record<string, (...a: (string | number)[]) => unknown>)[
      this.command
    ];
    if (!command) throw new Error(`${this.command}: pipeline made before defineOn(redis)`);
    command.call(pipeline, keys.length, ...keys, ...args);
  }

  /** Defines the command on `redis` (once). */
  defineOn(redis: Redis): void {
    if (this.definedOn.has(redis)) return;
    redis.defineCommand(this.command, { lua: this.source });
    this.definedOn.add(redis);
  }
}
