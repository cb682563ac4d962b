import { createHash } from 'node:crypto';

/**
 * GET /docs: the OpenAPI document rendered as one self-contained HTML page, on the server. No
 * script, no external font, stylesheet or CDN (the service may run without internet access), and
 * every piece of text from the document is escaped.
 */

type Obj = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--get:#0969da;--post:#1a7f37;--delete:#cf222e;--put:#9a6700;--patch:#8250df;--other:#59636e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,nav,main{max-width:1100px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{margin:0 0 4px;font-size:28px}
h1 small{font-size:15px;color:var(--muted);font-weight:normal;margin-left:8px}
h2{margin:40px 0 8px;padding-bottom:6px;border-bottom:1px solid var(--line);font-size:22px}
h3{margin:0;font-size:17px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
h4{margin:16px 0 6px;font-size:14px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
a{color:var(--get);text-decoration:none}
a:hover{text-decoration:underline}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
code{background:var(--soft);padding:1px 4px;border-radius:4px}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;max-height:480px;margin:6px 0}
pre code{background:none;padding:0}
nav ul{list-style:none;padding-left:0;margin:4px 0}
nav ul ul{padding-left:18px}
nav li{margin:2px 0}
.muted{color:var(--muted)}
.desc p{margin:6px 0}
.op{border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:16px 0;background:var(--bg)}
.path{font-size:15px;background:none;padding:0}
.badge{display:inline-block;min-width:64px;text-align:center;padding:2px 8px;border-radius:4px;color:#fff;font:bold 12px/1.6 ui-monospace,Menlo,Consolas,monospace;text-transform:uppercase;background:var(--other)}
.badge.get{background:var(--get)}.badge.post{background:var(--post)}.badge.delete{background:var(--delete)}.badge.put{background:var(--put)}.badge.patch{background:var(--patch)}
.status{font-weight:bold;font-family:ui-monospace,Menlo,Consolas,monospace}
.s2{color:var(--post)}.s3{color:var(--get)}.s4{color:var(--put)}.s5,.sd{color:var(--delete)}
.auth{margin:8px 0}
.lock{display:inline-block;padding:0 6px;border-radius:4px;border:1px solid var(--line);background:var(--soft);font-size:13px}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-size:13px}
details{margin:6px 0}
summary{cursor:pointer;color:var(--muted)}
footer{max-width:1100px;margin:40px auto;padding:0 24px;color:var(--muted);font-size:13px}
`;

/** The Content-Security-Policy that the page works under (its only inline content is the style). */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Escaped text with a little Markdown: `code`, **bold**, and paragraphs on blank lines. */
function prose(value: unknown): string {
  const text = str(value).trim();
  if (!text) return '';
  const inline = (s: string) =>
    escapeHtml(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  return text
    .split(/\n\s*\n/)
    .map((p) => `<p>${inline(p.trim())}</p>`)
    .join('');
}
function inlineProse(value: unknown): string {
  return prose(value)
    .replace(/<\/?p>/g, ' ')
    .trim();
}

function slug(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

/** Resolves a local `$ref` (`#/components/...`) inside the document. */
function resolveRef(doc: Obj, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObj(node)) return undefined;
    node = node[key];
  }
  return node;
}
function deref(doc: Obj, value: unknown): Obj {
  let node = value;
  for (let i = 0; i < 10 && isObj(node) && typeof node.$ref === 'string'; i++) {
    node = resolveRef(doc, node.$ref);
  }
  return obj(node);
}

/** A schema with its `$ref`s inlined (a cycle, or a deep one, keeps its `$ref`). */
function inlineSchema(doc: Obj, schema: unknown, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineSchema(doc, s, seen));
  if (!isObj(schema)) return schema;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    if (seen.includes(ref) || seen.length >= 8) return schema;
    const target = resolveRef(doc, ref);
    return target === undefined ? schema : inlineSchema(doc, target, [...seen, ref]);
  }
  const out: Obj = {};
  for (const [key, value] of Object.entries(schema)) {
    // a discriminator mapping names schemas by reference: keep it as is
    out[key] = key === 'discriminator' ? value : inlineSchema(doc, value, seen);
  }
  return out;
}

function pretty(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return `<pre><code>${escapeHtml(text)}</code></pre>`;
}

function schemaName(schema: unknown): string | undefined {
  const ref = isObj(schema) ? schema.$ref : undefined;
  const prefix = '#/components/schemas/';
  return typeof ref === 'string' && ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}
function schemaLink(schema: unknown): string {
  const name = schemaName(schema);
  if (name) return `<a href="#schema-${escapeHtml(slug(name))}">${escapeHtml(name)}</a>`;
  if (!isObj(schema)) return '';
  const items = schema.items;
  if (schema.type === 'array' && schemaName(items)) return `array of ${schemaLink(items)}`;
  return `<code>${escapeHtml(typeof schema.type === 'string' ? schema.type : 'schema')}</code>`;
}

function schemaSummary(schema: Obj): string {
  const parts: string[] = [];
  const type = schema.type;
  if (typeof type === 'string') parts.push(type);
  else if (Array.isArray(type)) parts.push(type.map(String).join(' | '));
  if (typeof schema.format === 'string') parts.push(`(${schema.format})`);
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map(String).join(', ')}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  for (const [key, label] of [
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
  ] as const) {
    if (typeof schema[key] === 'number') parts.push(`${label} ${String(schema[key])}`);
  }
  if (typeof schema.pattern === 'string') parts.push(`pattern ${schema.pattern}`);
  return escapeHtml(parts.join(' · '));
}

interface Op {
  method: string;
  path: string;
  operation: Obj;
  anchor: string;
}

function collectOperations(doc: Obj): Op[] {
  const used = new Set<string>();
  const ops: Op[] = [];
  for (const [path, item] of Object.entries(obj(doc.paths))) {
    for (const method of METHODS) {
      const operation = obj(item)[method];
      if (!isObj(operation)) continue;
      const base = `op-${slug(str(operation.operationId) || `${method}-${path}`)}`;
      let anchor = base;
      for (let n = 2; used.has(anchor); n++) anchor = `${base}-${n}`;
      used.add(anchor);
      ops.push({ method, path, operation, anchor });
    }
  }
  return ops;
}

function tagOf(op: Op): string {
  const tags = op.operation.tags;
  return Array.isArray(tags) && typeof tags[0] === 'string' ? tags[0] : 'other';
}

function badge(method: string): string {
  return `<span class="badge ${escapeHtml(slug(method))}">${escapeHtml(method.toUpperCase())}</span>`;
}

function renderAuth(doc: Obj, operation: Obj): string {
  const security = Array.isArray(operation.security) ? operation.security : doc.security;
  const schemes = Array.isArray(security)
    ? security.flatMap((requirement) => Object.keys(obj(requirement)))
    : [];
  if (schemes.length === 0) return '<span class="lock">Public</span> no token needed';
  const known = obj(obj(doc.components).securitySchemes);
  const names = [...new Set(schemes)].map((name) => {
    const scheme = obj(known[name]);
    const kind =
      scheme.type === 'http' && str(scheme.scheme).toLowerCase() === 'bearer'
        ? 'Authorization: Bearer &lt;token&gt;'
        : escapeHtml(str(scheme.type) || name);
    return `<span class="lock">${escapeHtml(name)}</span> <code>${kind}</code>`;
  });
  return names.join(' or ');
}

function renderParameters(doc: Obj, parameters: unknown): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters.map((raw) => {
    const p = deref(doc, raw);
    const schema = deref(doc, p.schema);
    return `<tr><td><code>${escapeHtml(str(p.name))}</code></td><td>${escapeHtml(str(p.in))}</td><td>${
      p.required === true ? 'yes' : 'no'
    }</td><td>${schemaSummary(schema)}</td><td>${inlineProse(p.description)}</td></tr>`;
  });
  return `<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderRequestBody(doc: Obj, body: unknown): string {
  if (body === undefined) return '';
  const requestBody = deref(doc, body);
  const parts: string[] = [
    `<h4>Request body${requestBody.required === true ? '' : ' (optional)'}</h4>`,
    prose(requestBody.description),
  ];
  for (const [type, media] of Object.entries(obj(requestBody.content))) {
    const m = obj(media);
    parts.push(
      `<p><code>${escapeHtml(type)}</code>${m.schema ? ` — ${schemaLink(m.schema)}` : ''}</p>`,
    );
    if (m.schema !== undefined) parts.push(pretty(inlineSchema(doc, m.schema)));
    const examples = Object.entries(obj(m.examples));
    if (m.example !== undefined) examples.unshift(['example', { value: m.example }]);
    for (const [name, example] of examples) {
      const e = deref(doc, example);
      parts.push(
        `<details><summary>Example: ${escapeHtml(name)}</summary>${pretty(e.value)}</details>`,
      );
    }
  }
  return parts.join('');
}

function statusClass(status: string): string {
  return /^[1-5]/.test(status) ? `s${status[0]}` : 'sd';
}

function renderResponses(doc: Obj, responses: unknown): string {
  const entries = Object.entries(obj(responses));
  if (entries.length === 0) return '';
  const rows = entries.map(([status, raw]) => {
    const response = deref(doc, raw);
    const content = Object.entries(obj(response.content))
      .map(([type, media]) => {
        const schema = obj(media).schema;
        return `<code>${escapeHtml(type)}</code>${schema ? ` ${schemaLink(schema)}` : ''}`;
      })
      .join('<br>');
    const headers = Object.keys(obj(response.headers))
      .map((h) => `<code>${escapeHtml(h)}</code>`)
      .join(' ');
    return `<tr><td class="status ${statusClass(status)}">${escapeHtml(status)}</td><td>${inlineProse(
      response.description,
    )}</td><td>${content}</td><td>${headers}</td></tr>`;
  });
  return `<h4>Responses</h4><table><thead><tr><th>status</th><th>description</th><th>body</th><th>headers</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderOperation(doc: Obj, op: Op, heading: string, showAuth = true): string {
  const o = op.operation;
  return [
    `<article class="op" id="${escapeHtml(op.anchor)}">`,
    `<h3>${badge(op.method)} <code class="path">${escapeHtml(heading)}</code></h3>`,
    o.summary ? `<p><strong>${escapeHtml(str(o.summary))}</strong></p>` : '',
    `<div class="desc">${prose(o.description)}</div>`,
    showAuth ? `<p class="auth"><strong>Auth:</strong> ${renderAuth(doc, o)}</p>` : '',
    renderParameters(doc, o.parameters),
    renderRequestBody(doc, o.requestBody),
    renderResponses(doc, o.responses),
    '</article>',
  ].join('');
}

function renderWebhooks(doc: Obj): { toc: string; body: string } {
  const hooks = Object.entries(obj(doc.webhooks));
  if (hooks.length === 0) return { toc: '', body: '' };
  const articles: string[] = [];
  const links: string[] = [];
  for (const [name, item] of hooks) {
    for (const method of METHODS) {
      const operation = obj(item)[method];
      if (!isObj(operation)) continue;
      const anchor = `webhook-${slug(name)}-${method}`;
      links.push(
        `<li><a href="#${escapeHtml(anchor)}">${badge(method)} ${escapeHtml(name)}</a></li>`,
      );
      articles.push(
        renderOperation(
          doc,
          { method, path: name, operation, anchor },
          `${name} (sent to your URL)`,
          false,
        ),
      );
    }
  }
  return {
    toc: `<li><a href="#webhooks">Webhooks</a><ul>${links.join('')}</ul></li>`,
    body: `<section id="webhooks"><h2>Webhooks</h2><p class="muted">Requests this service sends to the URLs of your subscriptions.</p>${articles.join('')}</section>`,
  };
}

function renderSchemas(doc: Obj): { toc: string; body: string } {
  const schemas = Object.entries(obj(obj(doc.components).schemas));
  if (schemas.length === 0) return { toc: '', body: '' };
  const blocks = schemas.map(([name, schema]) => {
    const description = isObj(schema) ? schema.description : undefined;
    return `<article class="op" id="schema-${escapeHtml(slug(name))}"><h3><code class="path">${escapeHtml(
      name,
    )}</code></h3><div class="desc">${prose(description)}</div>${pretty(schema)}</article>`;
  });
  return {
    toc: `<li><a href="#schemas">Schemas</a></li>`,
    body: `<section id="schemas"><h2>Schemas</h2>${blocks.join('')}</section>`,
  };
}

/** The API reference page for an OpenAPI document. */
export function renderDocsPage(doc: Record<string, unknown>): string {
  const info = obj(doc.info);
  const title = str(info.title) || 'API';
  const ops = collectOperations(doc);

  const declared = (Array.isArray(doc.tags) ? doc.tags : []).map((t) => ({
    name: str(obj(t).name),
    description: obj(t).description,
  }));
  const tagNames = [...declared.map((t) => t.name).filter(Boolean)];
  for (const op of ops) if (!tagNames.includes(tagOf(op))) tagNames.push(tagOf(op));

  const toc: string[] = [];
  const sections: string[] = [];
  for (const tag of tagNames) {
    const tagged = ops.filter((op) => tagOf(op) === tag);
    if (tagged.length === 0) continue;
    const anchor = `tag-${slug(tag)}`;
    const description = declared.find((t) => t.name === tag)?.description;
    toc.push(
      `<li><a href="#${escapeHtml(anchor)}">${escapeHtml(tag)}</a> <span class="muted">${inlineProse(
        description,
      )}</span><ul>${tagged
        .map(
          (op) =>
            `<li><a href="#${escapeHtml(op.anchor)}">${badge(op.method)} <code class="path">${escapeHtml(
              op.path,
            )}</code></a> <span class="muted">${escapeHtml(str(op.operation.summary))}</span></li>`,
        )
        .join('')}</ul></li>`,
    );
    sections.push(
      `<section id="${escapeHtml(anchor)}"><h2>${escapeHtml(tag)}</h2><div class="desc muted">${prose(
        description,
      )}</div>${tagged.map((op) => renderOperation(doc, op, op.path)).join('')}</section>`,
    );
  }
  const webhooks = renderWebhooks(doc);
  const schemas = renderSchemas(doc);
  const servers = (Array.isArray(doc.servers) ? doc.servers : [])
    .map((s) => `<code>${escapeHtml(str(obj(s).url))}</code>`)
    .join(', ');

  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)} — API reference</title>`,
    `<style>${CSS}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}<small>${escapeHtml(str(info.version))}</small></h1>`,
    info.summary ? `<p><strong>${escapeHtml(str(info.summary))}</strong></p>` : '',
    `<div class="desc">${prose(info.description)}</div>`,
    `<p class="muted">OpenAPI ${escapeHtml(str(doc.openapi))}: <a href="openapi.json">/openapi.json</a>${
      servers ? ` · server ${servers}` : ''
    }</p></header>`,
    `<nav><h2>Contents</h2><ul>${toc.join('')}${webhooks.toc}${schemas.toc}</ul></nav>`,
    `<main>${sections.join('')}${webhooks.body}${schemas.body}</main>`,
    `<footer>Generated from the OpenAPI document of ${escapeHtml(title)}.</footer>`,
    '</body></html>',
  ].join('\n');
}
