import {
  createServer,
  IncomingMessage,
  ServerResponse,
  type Server,
  type ServerOptions,
} from 'node:http';
import type { Express } from 'express';

type Options = Omit<ServerOptions, 'IncomingMessage' | 'ServerResponse'>;

/**
 * The HTTP server of an Express app, whose requests and responses are built with the app's own
 * prototypes (`app.request`, `app.response`) from the start.
 *
 * Express gives every request and response those prototypes with `Object.setPrototypeOf` as it
 * takes them (expressjs/express#5998); on an object that already has them that is a no-op. Changing
 * the prototype of a built object is slow in V8, and it kept the objects alive through young
 * collections: 12 s of GET /healthz at 200 requests/s (`--role api`, `--trace-gc-nvp`) promoted
 * 60 MB to the old generation and allocated 100 KB per request; built this way, 24–26 MB and 81 KB.
 * Sub-apps mounted with `app.use` still set their own prototypes on the requests that enter them.
 */
export function createAppServer(app: Express, options: Options = {}): Server {
  return createServer(
    {
      ...options,
      IncomingMessage: withPrototype(IncomingMessage, app.request),
      ServerResponse: withPrototype<typeof ServerResponse>(ServerResponse, app.response),
    },
    app,
  );
}

/**
 * A constructor that builds what `base` builds, with `prototype` as the prototype. Node's request
 * and response constructors are plain functions, called here on the new object. Built with
 * `Reflect.construct` instead, the same load promoted 27–31 MB (90–112 KB allocated per request),
 * so that is only the fallback for a Node whose constructors are classes.
 */
export function withPrototype<T extends new (...args: never[]) => object>(
  base: T,
  prototype: object,
): T {
  const callable = !/^class\b/.test(Function.prototype.toString.call(base));
  function Built(this: object, ...args: unknown[]): object | void {
    if (callable) {
      (base as unknown as (...a: unknown[]) => void).apply(this, args);
      return;
    }
    return Reflect.construct(base, args, Built) as object;
  }
  Built.prototype = prototype;
  return Built as unknown as T;
}
