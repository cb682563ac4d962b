import { z } from 'zod';
import { connectorId } from '../schemas.js';

/** Path parameters and request headers of the API (SPEC §4). */

const param = (description: string) => ({ param: { description } });

export const ConnectorIdParams = z.object({ id: connectorId.meta(param('The connector id.')) });

export const TokenIdParams = z.object({
  id: z.uuid().meta(param('The token id (the `id` returned when it was created, not the token).')),
});

export const SubscriptionIdParams = z.object({
  id: z.uuid().meta(param('The subscription id.')),
});

export const SweepIdParams = z.object({
  id: z.uuid().meta(param('The sweep id (from the `Location` of POST /v1/archival-sweeps).')),
});

export const IfMatchHeader = z.object({
  'If-Match': z
    .string()
    .regex(/^(W\/)?"v[0-9]+"$/)
    .optional()
    .meta({
      param: {
        description:
          'Apply the event only if the connector is still at this version (its `ETag`); 412 otherwise.',
        example: '"v3"',
      },
    }),
});

export const IfNoneMatchHeader = z.object({
  'If-None-Match': z
    .string()
    .optional()
    .meta(param('An `ETag` (or a list of them, or `*`): 304 without a body when it is current.')),
});
