/**
 * Pure JUnit XML parsing for acceptance-test gating (SPEC §7). No I/O.
 *
 * Accepted shapes: a root `<testsuites>` holding `<testsuite>` elements, or a bare root
 * `<testsuite>`; suites may nest. Counts come from `<testcase>` elements (`<failure>` → failure,
 * `<error>` → error, `<skipped>` → skipped, anything else → passed). A suite (or root) without any
 * `<testcase>` or child suite is counted from its `tests` / `failures` / `errors` / `skipped`
 * attributes. When a suite has child elements, its own attributes are ignored (they normally
 * aggregate the children, and counting both would double-count).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface AcceptanceTestCounts {
  total: number;
  passed: number;
  failures: number;
  errors: number;
  skipped: number;
}

type XmlNode = Record<string, unknown>;

const ATTR = '@_';
const SUITE_TAGS = ['testsuite', 'testsuites'] as const;
const ARRAY_TAGS = new Set<string>([...SUITE_TAGS, 'testcase']);
/** Deeper nesting than this is not a real report; stop descending instead of risking the stack. */
const MAX_DEPTH = 200;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  parseAttributeValue: false,
  parseTagValue: false,
  // Entities are never needed for counting; not expanding them also avoids entity-expansion tricks.
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  isArray: (tagName, _jPath, _isLeaf, isAttribute) => !isAttribute && ARRAY_TAGS.has(tagName),
});

export function emptyCounts(): AcceptanceTestCounts {
  return { total: 0, passed: 0, failures: 0, errors: 0, skipped: 0 };
}

export function addCounts(a: AcceptanceTestCounts, b: AcceptanceTestCounts): AcceptanceTestCounts {
  return {
    total: a.total + b.total,
    passed: a.passed + b.passed,
    failures: a.failures + b.failures,
    errors: a.errors + b.errors,
    skipped: a.skipped + b.skipped,
  };
}

/**
 * Counts the tests of a JUnit XML document. Returns `null` when the text is not well-formed XML or
 * its root element is neither `<testsuites>` nor `<testsuite>` (i.e. it is not a JUnit report).
 */
export function parseJUnitReport(xml: string): AcceptanceTestCounts | null {
  if (XMLValidator.validate(xml) !== true) return null;
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return null;
  }
  if (!isNode(doc)) return null;
  const roots = Object.keys(doc).filter((key) => !key.startsWith(ATTR) && key !== '#text');
  const rootTag = roots[0];
  if (roots.length !== 1 || (rootTag !== 'testsuites' && rootTag !== 'testsuite')) return null;
  let counts = emptyCounts();
  for (const root of childNodes(doc, rootTag)) counts = addCounts(counts, countSuite(root, 0));
  return counts;
}

function countSuite(suite: XmlNode, depth: number): AcceptanceTestCounts {
  const cases = childNodes(suite, 'testcase');
  const suites = SUITE_TAGS.flatMap((tag) => childNodes(suite, tag));
  if (cases.length === 0 && suites.length === 0) return fromAttributes(suite);
  let counts = emptyCounts();
  for (const testcase of cases) counts = addCounts(counts, classifyTestcase(testcase));
  if (depth < MAX_DEPTH) {
    for (const child of suites) counts = addCounts(counts, countSuite(child, depth + 1));
  }
  return counts;
}

function classifyTestcase(testcase: XmlNode): AcceptanceTestCounts {
  const counts = emptyCounts();
  counts.total = 1;
  if ('failure' in testcase) counts.failures = 1;
  else if ('error' in testcase) counts.errors = 1;
  else if ('skipped' in testcase) counts.skipped = 1;
  else counts.passed = 1;
  return counts;
}

function fromAttributes(suite: XmlNode): AcceptanceTestCounts {
  const total = attrCount(suite, 'tests');
  const failures = attrCount(suite, 'failures');
  const errors = attrCount(suite, 'errors');
  const skipped = attrCount(suite, 'skipped') || attrCount(suite, 'skip');
  // A report may claim more failures than tests; keep `total` as reported and never go negative.
  return {
    total,
    passed: Math.max(0, total - failures - errors - skipped),
    failures,
    errors,
    skipped,
  };
}

function attrCount(node: XmlNode, name: string): number {
  const value = node[ATTR + name];
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return 0;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : 0;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The child elements named `tag`; an element without attributes or children parses as `''`. */
function childNodes(node: XmlNode, tag: string): XmlNode[] {
  const value = node[tag];
  if (value === undefined) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((item) => (isNode(item) ? item : {}));
}
