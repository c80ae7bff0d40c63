/**
 * Finds the Firestore queries in the functions' source and decides which composite indexes they need, so a test
 * can fail when a query has no matching index in firestore.indexes.json (the emulator does not enforce indexes;
 * production answers FAILED_PRECONDITION).
 *
 * A query is a call chain starting at `.collection('x')` or `.collectionGroup('x')` up to the end of the
 * statement, with `.where('field', 'op', ...)` and `.orderBy('field' | FieldPath.documentId(), 'asc'|'desc')`.
 * Index needs follow Firestore's documentation ("Index types", "Manage indexes"):
 * - equality filters alone (any number) are served by merging automatic single-field indexes;
 * - one field used by an inequality and/or orderBy (plus `__name__`, which ends every index) is served by the
 *   automatic single-field index;
 * - collection-group queries get no automatic single-field index: they need a declared index of scope
 *   COLLECTION_GROUP (a composite, or for one field a fieldOverride; the latter is reported as missing here);
 * - anything else needs a composite index: the equality fields first (any order), then the inequality/orderBy
 *   fields in query order with their directions (`array-contains` counts as equality on an array-config field).
 */

export interface ScannedQuery {
  file: string;
  line: number;
  collectionGroup: string;
  /** `COLLECTION_GROUP` for `.collectionGroup(...)` queries, whose single-field indexes are not automatic. */
  queryScope: 'COLLECTION' | 'COLLECTION_GROUP';
  equality: { field: string; arrayContains: boolean }[];
  /** Inequality and orderBy fields in query order (without `__name__`). */
  ordered: { field: string; order: 'ASCENDING' | 'DESCENDING' }[];
  text: string;
}

export interface IndexField {
  fieldPath: string;
  order?: 'ASCENDING' | 'DESCENDING';
  arrayConfig?: 'CONTAINS';
}
export interface CompositeIndex {
  collectionGroup: string;
  queryScope?: string;
  fields: IndexField[];
}

const EQUALITY_OPS = ['==', 'in', 'array-contains', 'array-contains-any'];

function stringArg(s: string): string | null {
  const m = /^\s*(['"`])([^'"`]+)\1/.exec(s);
  return m ? (m[2] as string) : null;
}

/** Splits the chain text into `.name(args)` calls, respecting nested parentheses and strings. */
function calls(chain: string): { name: string; args: string }[] {
  const out: { name: string; args: string }[] = [];
  const re = /\.([A-Za-z]+)\s*\(/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(chain))) {
    let depth = 1;
    let i = re.lastIndex;
    let quote: string | null = null;
    for (; i < chain.length && depth > 0; i += 1) {
      const c = chain[i] as string;
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === "'" || c === '"' || c === '`') quote = c;
      else if (c === '(') depth += 1;
      else if (c === ')') depth -= 1;
    }
    out.push({ name: m[1] as string, args: chain.slice(re.lastIndex, i - 1) });
    re.lastIndex = i;
  }
  return out;
}

/** The queries in one source file (see the file docstring for what counts as a query). */
export function scanQueries(source: string, file: string): ScannedQuery[] {
  const out: ScannedQuery[] = [];
  const start = /\.(collection|collectionGroup)\s*\(\s*(['"`])([^'"`]+)\2\s*\)/g;
  let m: RegExpExecArray | null;
  while ((m = start.exec(source))) {
    // The chain runs to the end of the statement (`;` outside parentheses).
    let depth = 0;
    let end = m.index;
    for (; end < source.length; end += 1) {
      const c = source[end];
      if (c === '(') depth += 1;
      else if (c === ')') depth -= 1;
      else if (c === ';' && depth <= 0) break;
    }
    const chain = source.slice(m.index, end);
    const q: ScannedQuery = {
      file,
      line: source.slice(0, m.index).split('\n').length,
      collectionGroup: (m[3] as string).split('/').pop() as string,
      queryScope: m[1] === 'collectionGroup' ? 'COLLECTION_GROUP' : 'COLLECTION',
      equality: [],
      ordered: [],
      text: chain.replace(/\s+/g, ' ').trim(),
    };
    for (const c of calls(chain).slice(1)) {
      if (c.name === 'where') {
        const field = stringArg(c.args);
        const op = stringArg(c.args.slice(c.args.indexOf(',') + 1));
        if (field === null || op === null) throw new Error(`${file}:${q.line}: cannot read where(${c.args}); use literal field and operator`);
        if (EQUALITY_OPS.includes(op)) q.equality.push({ field, arrayContains: op.startsWith('array-contains') });
        else if (!q.ordered.some((o) => o.field === field)) q.ordered.push({ field, order: 'ASCENDING' });
      } else if (c.name === 'orderBy') {
        if (/FieldPath\.documentId\(\)/.test(c.args) || stringArg(c.args) === '__name__') continue;
        const field = stringArg(c.args);
        if (field === null) throw new Error(`${file}:${q.line}: cannot read orderBy(${c.args}); use a literal field`);
        const order = /['"]desc['"]/.test(c.args) ? 'DESCENDING' : 'ASCENDING';
        const existing = q.ordered.find((o) => o.field === field);
        if (existing) existing.order = order;
        else q.ordered.push({ field, order });
      }
    }
    out.push(q);
  }
  return out;
}

/** A `fieldOverrides` entry of firestore.indexes.json: the single-field indexes of one field (`[]` = exempt). */
export interface FieldOverride {
  collectionGroup: string;
  fieldPath: string;
  indexes: { order?: 'ASCENDING' | 'DESCENDING'; arrayConfig?: 'CONTAINS'; queryScope?: string }[];
}

/**
 * True when a declared single-field index serves the query: a collection-group query on one field (an inequality
 * and/or orderBy, plus `__name__`) needs that field's override to list a COLLECTION_GROUP index in its order.
 */
export function servedByFieldOverride(q: ScannedQuery, overrides: readonly FieldOverride[]): boolean {
  if (q.equality.length > 0 || q.ordered.length !== 1) return false;
  const o = q.ordered[0]!;
  return overrides.some(
    (f) =>
      f.collectionGroup === q.collectionGroup &&
      f.fieldPath === o.field &&
      f.indexes.some((i) => (i.queryScope ?? 'COLLECTION') === q.queryScope && (i.order ?? 'ASCENDING') === o.order),
  );
}

/** True when the query is served by automatic single-field indexes (no composite index needed). */
export function servedBySingleFieldIndexes(q: ScannedQuery): boolean {
  // Automatic single-field indexes have collection scope; collection-group scope must be declared.
  if (q.queryScope === 'COLLECTION_GROUP' && (q.equality.length > 0 || q.ordered.length > 0)) return false;
  if (q.ordered.length === 0) return !q.equality.some((e) => e.arrayContains) || q.equality.length <= 1;
  return q.equality.length === 0 && q.ordered.length === 1;
}

/** True when `index` serves `q`: its fields start with the equality fields (any order), then the ordered fields. */
export function indexServes(index: CompositeIndex, q: ScannedQuery): boolean {
  if (index.collectionGroup !== q.collectionGroup) return false;
  if ((index.queryScope ?? 'COLLECTION') !== q.queryScope) return false;
  const fields = index.fields.filter((f) => f.fieldPath !== '__name__');
  const n = q.equality.length;
  if (fields.length < n + q.ordered.length) return false;
  const head = fields.slice(0, n);
  for (const e of q.equality) {
    const f = head.find((h) => h.fieldPath === e.field);
    if (!f || (e.arrayContains ? f.arrayConfig !== 'CONTAINS' : f.arrayConfig !== undefined)) return false;
  }
  return q.ordered.every((o, i) => {
    const f = fields[n + i];
    return f !== undefined && f.fieldPath === o.field && (f.order ?? 'ASCENDING') === o.order;
  });
}
