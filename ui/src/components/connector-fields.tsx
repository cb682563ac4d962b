import type { CatalogEntry, Connector, Deprecation } from '../api-types.js';
import { archiveCountdown, formatDateTime } from '../lib/format.js';

/** The connector's fields; a public catalog entry has fewer of them. */
export function ConnectorFields({ c }: { c: Connector | CatalogEntry }) {
  const full = 'state' in c ? c : null;
  return (
    <dl class="fields">
      <dt>Id</dt>
      <dd>
        <code>{c.id}</code>
      </dd>
      <dt>Type</dt>
      <dd>{c.type}</dd>
      <dt>Language</dt>
      <dd>{c.language}</dd>
      <dt>Image</dt>
      <dd>
        <code class="wrap">
          {c.dockerRepository}:{c.dockerImageTag}
        </code>
      </dd>
      <dt>CDK version</dt>
      <dd>{c.cdkVersion}</dd>
      <dt>Maintainers</dt>
      <dd>{c.maintainers.join(', ')}</dd>
      <dt>Definition id</dt>
      <dd>
        <code class="wrap">{c.definitionId}</code>
      </dd>
      <dt>Version</dt>
      <dd>{c.version} (changes with every accepted event)</dd>
      <dt>Last release</dt>
      <dd>{formatDateTime(c.lastReleaseAt)}</dd>
      {full ? (
        <>
          <dt>Registered</dt>
          <dd>{formatDateTime(full.createdAt)}</dd>
        </>
      ) : null}
      <dt>Updated</dt>
      <dd>{formatDateTime(c.updatedAt)}</dd>
    </dl>
  );
}

export function DeprecationNotice({ deprecation }: { deprecation: Deprecation }) {
  return (
    <section class="notice" aria-labelledby="deprecation-heading">
      <h2 id="deprecation-heading">Deprecated</h2>
      <p>
        {deprecation.automated ? 'Deprecated by the automated archival sweep: ' : ''}
        {deprecation.reason}
      </p>
      <p>
        Archived at{' '}
        <time dateTime={deprecation.archiveAt}>{formatDateTime(deprecation.archiveAt)}</time> (
        {archiveCountdown(deprecation.archiveAt)}).
      </p>
      {deprecation.replacement ? (
        <p>
          Replacement:{' '}
          <a href={`/ui/connectors/${deprecation.replacement}`}>{deprecation.replacement}</a>
        </p>
      ) : null}
    </section>
  );
}
