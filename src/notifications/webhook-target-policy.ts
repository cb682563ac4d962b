import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { withDeadline } from '../deadline.js';
import { PolicyViolationError } from '../errors.js';

/** One address a host name resolves to, as `dns.lookup(name, { all: true })` gives it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has; throws when it does not resolve. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** The system resolver (what `fetch` and `net.connect` use by default). */
export const systemLookup: HostLookup = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/**
 * True when a webhook may connect to `address`. Judged by ipaddr.js on the parsed address, never on
 * its text: IPv4-mapped IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries, and
 * short (`127.1`) or decimal (`2130706433`) forms parse to the address they mean. Only the ranges
 * ipaddr.js calls `unicast` (global unicast) pass: loopback, private (RFC 1918, fc00::/7),
 * link-local (169.254.0.0/16 — cloud metadata — and fe80::/10), shared (100.64.0.0/10),
 * unspecified, multicast, broadcast and every reserved or special-purpose range are refused.
 * Anything that does not parse is refused too.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** A host that is an IP address (brackets of an IPv6 URL host removed), or null for a name. */
export function ipLiteral(host: string): string | null {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return ipaddr.isValid(bare) ? bare : null;
}

/** A delivery attempt was refused because the address it would connect to is not allowed. */
export class WebhookTargetBlockedError extends Error {
  readonly code = 'WEBHOOK_TARGET_BLOCKED';
  constructor() {
    super('target address not allowed');
    this.name = 'WebhookTargetBlockedError';
  }
}

export interface WebhookTargetPolicyOptions {
  /** LIFECYCLE_WEBHOOK_ALLOW_PRIVATE_NETWORKS */
  allowPrivateNetworks: boolean;
  lookup?: HostLookup;
  /** how long the check at subscription time waits for the resolver */
  resolveTimeoutMs?: number;
}

/**
 * SPEC §5: which webhook targets are allowed. Checked when a subscription is created (its URL) and
 * again at each delivery against the address actually connected to (`connectLookup` and
 * `allowsAddress`, used by the delivery client), so a name that resolves elsewhere later (DNS
 * rebinding) gains nothing.
 */
export class WebhookTargetPolicy {
  readonly allowPrivateNetworks: boolean;
  readonly lookup: HostLookup;
  private readonly resolveTimeoutMs: number;

  constructor(options: WebhookTargetPolicyOptions) {
    this.allowPrivateNetworks = options.allowPrivateNetworks;
    this.lookup = options.lookup ?? systemLookup;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 5000;
  }

  allowsAddress(address: string): boolean {
    return this.allowPrivateNetworks || isPublicAddress(address);
  }

  /**
   * At subscription time: a URL whose host is, or resolves (any of its addresses) to, a forbidden
   * address is a 422 `WEBHOOK_URL_FORBIDDEN`. A name that does not resolve (or not in time) is
   * accepted: it is judged again at each delivery.
   */
  async checkSubscriptionUrl(url: string): Promise<void> {
    if (this.allowPrivateNetworks) return;
    const host = new URL(url).hostname;
    const literal = ipLiteral(host);
    const addresses = literal !== null ? [literal] : await this.resolveForCheck(host);
    if (addresses.some((a) => !isPublicAddress(a))) {
      throw new PolicyViolationError(
        'WEBHOOK_URL_FORBIDDEN',
        'The webhook URL points to a loopback, private, link-local or otherwise non-public address. ' +
          'Webhooks may only be delivered to public addresses.',
      );
    }
  }

  /**
   * A `lookup` for `net.connect`/`tls.connect`: resolves with the injected resolver and fails the
   * connection with WebhookTargetBlockedError when any address is not allowed, so the socket never
   * connects to one. (Node calls it only for names; the client checks IP literals itself.)
   */
  readonly connectLookup: LookupFunction = (hostname, options, callback) => {
    this.lookup(hostname).then(
      (resolved) => {
        if (resolved.some((a) => !this.allowsAddress(a.address))) {
          callback(new WebhookTargetBlockedError(), '', 0);
          return;
        }
        const family = options.family;
        const wanted =
          family === 4 || family === 'IPv4' ? 4 : family === 6 || family === 'IPv6' ? 6 : 0;
        const usable = resolved.filter((a) => wanted === 0 || a.family === wanted);
        if (usable.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          callback(err, '', 0);
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, usable[0]!.address, usable[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  /** The addresses of `host`; none when it does not resolve, or not in time. */
  private async resolveForCheck(host: string): Promise<string[]> {
    const resolved = await withDeadline(this.lookup(host), this.resolveTimeoutMs).catch(
      (): ResolvedAddress[] => [],
    );
    return resolved.map((a) => a.address);
  }
}
