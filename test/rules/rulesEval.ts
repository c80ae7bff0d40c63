/**
 * A small evaluator for the subset of the rules language that firestore.rules' validation functions use, so the
 * field validation can be compared with the zod schemas offline (the real evaluator lives in the Java emulator).
 * It models the documented semantics: `matches` is a full-string RE2 match, `&&`/`||` short-circuit, an error
 * (wrong type, missing field) makes the whole condition false, `timestamp.date(y, m, d)`, `duration.value(n, u)`,
 * `int()`, `string.split/size/matches`, `list.size/hasAll/hasOnly/[i]`, `map.keys()`, `in`, `is`.
 * It is a model, not Google's implementation: the emulator suite (test/emulator/) is the authority.
 */
import type { Expr, FunctionDecl } from './rulesParser';

/** A rules timestamp (ms since the epoch, UTC) or duration (ms). */
export class RTimestamp {
  constructor(readonly ms: number) {}
}
export class RDuration {
  constructor(readonly ms: number) {}
}

/** Raised for what the rules runtime treats as an error (the request is then denied). */
export class RulesEvalError extends Error {}

export type RValue = string | number | boolean | null | RValue[] | { [k: string]: RValue } | RTimestamp | RDuration;

const err = (m: string): never => {
  throw new RulesEvalError(m);
};

function isMap(v: unknown): v is Record<string, RValue> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof RTimestamp) &&
    !(v instanceof RDuration) &&
    !(v instanceof RMapDiff)
  );
}

function typeIs(v: RValue, t: string): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
      return typeof v === 'number' && !Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'bool':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v);
    case 'map':
      return isMap(v);
    case 'timestamp':
      return v instanceof RTimestamp;
    case 'duration':
      return v instanceof RDuration;
    default:
      return err(`type ${t} not modelled`);
  }
}

function equal(a: RValue, b: RValue): boolean {
  if (a instanceof RTimestamp && b instanceof RTimestamp) return a.ms === b.ms;
  if (a instanceof RDuration && b instanceof RDuration) return a.ms === b.ms;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i] as RValue));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k] as RValue, b[k] as RValue));
  }
  return a === b;
}

function compare(a: RValue, b: RValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof RTimestamp && b instanceof RTimestamp) return a.ms - b.ms;
  return err('incomparable values');
}

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

export interface EvalEnv {
  functions: Map<string, FunctionDecl>;
  vars: Record<string, RValue>;
}

/** Evaluates an expression; throws RulesEvalError where the rules runtime would error. */
export function evaluate(e: Expr, env: EvalEnv): RValue {
  const ev = (x: Expr) => evaluate(x, env);
  switch (e.type) {
    case 'lit':
      return e.value;
    case 'id':
      if (e.name in env.vars) return env.vars[e.name] as RValue;
      return err(`unknown name ${e.name}`);
    case 'list':
      return e.items.map(ev);
    case 'map':
      return Object.fromEntries(e.entries.map(([k, v]) => [String(ev(k)), ev(v)]));
    case 'unary': {
      const v = ev(e.arg);
      if (e.op === '!') return typeof v === 'boolean' ? !v : err('! of a non-bool');
      return typeof v === 'number' ? -v : err('- of a non-number');
    }
    case 'cond': {
      const t = ev(e.test);
      if (typeof t !== 'boolean') return err('condition is not a bool');
      return t ? ev(e.then) : ev(e.else);
    }
    case 'binary': {
      if (e.op === '&&' || e.op === '||') {
        const l = ev(e.left);
        if (typeof l !== 'boolean') return err(`${e.op} of a non-bool`);
        if (e.op === '&&' ? !l : l) return l;
        const r = ev(e.right);
        return typeof r === 'boolean' ? r : err(`${e.op} of a non-bool`);
      }
      if (e.op === 'is') return typeIs(ev(e.left), (e.right as { value: string }).value);
      const l = ev(e.left);
      const r = ev(e.right);
      switch (e.op) {
        case '==':
          return equal(l, r);
        case '!=':
          return !equal(l, r);
        case '<':
          return compare(l, r) < 0;
        case '<=':
          return compare(l, r) <= 0;
        case '>':
          return compare(l, r) > 0;
        case '>=':
          return compare(l, r) >= 0;
        case 'in':
          if (Array.isArray(r)) return r.some((x) => equal(x, l));
          if (isMap(r)) return typeof l === 'string' && Object.hasOwn(r, l);
          return err('in of a non-collection');
        case '+':
          if (l instanceof RTimestamp && r instanceof RDuration) return new RTimestamp(l.ms + r.ms);
          if (typeof l === 'number' && typeof r === 'number') return l + r;
          if (typeof l === 'string' && typeof r === 'string') return l + r;
          return err('bad operands of +');
        case '-':
          if (l instanceof RTimestamp && r instanceof RDuration) return new RTimestamp(l.ms - r.ms);
          if (typeof l === 'number' && typeof r === 'number') return l - r;
          return err('bad operands of -');
        case '*':
          return typeof l === 'number' && typeof r === 'number' ? l * r : err('bad operands of *');
        case '/':
          return typeof l === 'number' && typeof r === 'number' && r !== 0 ? Math.trunc(l / r) : err('bad operands of /');
        case '%':
          return typeof l === 'number' && typeof r === 'number' && r !== 0 ? l % r : err('bad operands of %');
        default:
          return err(`operator ${e.op} not modelled`);
      }
    }
    case 'member': {
      const o = ev(e.object);
      if (isMap(o)) return Object.hasOwn(o, e.name) ? (o[e.name] as RValue) : err(`no field ${e.name}`);
      return err(`.${e.name} of a non-map`);
    }
    case 'index': {
      const o = ev(e.object);
      const i = ev(e.index);
      if (e.end) return err('ranges not modelled');
      if (Array.isArray(o) && typeof i === 'number') return i >= 0 && i < o.length ? (o[i] as RValue) : err('index out of range');
      if (isMap(o) && typeof i === 'string') return Object.hasOwn(o, i) ? (o[i] as RValue) : err(`no key ${i}`);
      return err('bad index');
    }
    case 'call':
      return call(e, env);
  }
}

function call(e: Extract<Expr, { type: 'call' }>, env: EvalEnv): RValue {
  const args = () => e.args.map((a) => evaluate(a, env));
  if (e.callee.type === 'id') {
    const name = e.callee.name;
    const f = env.functions.get(name);
    if (f) return callFunction(f, args(), env);
    if (name === 'int') {
      const [v] = args();
      if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return Number.parseInt(v, 10);
      if (typeof v === 'number') return Math.trunc(v);
      return err(`int(${JSON.stringify(v)})`);
    }
    return err(`function ${name} not modelled`);
  }
  if (e.callee.type !== 'member') return err('call of a non-function');
  const method = e.callee.name;
  const objExpr = e.callee.object;
  if (objExpr.type === 'id' && objExpr.name === 'timestamp' && method === 'date') {
    const [y, m, d] = args();
    if (typeof y !== 'number' || typeof m !== 'number' || typeof d !== 'number') return err('timestamp.date of non-ints');
    // Date.UTC maps years 0-99 to 1900-1999; the rules runtime takes the year as written (1-9999).
    const t = new Date(Date.UTC(2000, m - 1, d));
    t.setUTCFullYear(y);
    if (y < 1 || y > 9999 || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return err(`timestamp.date(${y}, ${m}, ${d}) is no date`);
    return new RTimestamp(t.getTime());
  }
  if (objExpr.type === 'id' && objExpr.name === 'duration' && method === 'value') {
    const [n, u] = args();
    if (typeof n !== 'number' || typeof u !== 'string' || !(u in UNIT_MS)) return err('bad duration.value');
    return new RDuration(n * (UNIT_MS[u] as number));
  }
  const o = evaluate(objExpr, env);
  const a = args();
  if (typeof o === 'string') {
    if (method === 'size') return o.length;
    if (method === 'matches') return new RegExp(`^(?:${String(a[0])})$`, 'u').test(o);
    if (method === 'split') return o.split(String(a[0]));
  }
  if (Array.isArray(o)) {
    if (method === 'size') return o.length;
    const other = a[0];
    if (!Array.isArray(other)) return err(`${method} needs a list`);
    if (method === 'hasAll') return other.every((x) => o.some((y) => equal(x, y)));
    if (method === 'hasOnly') return o.every((x) => other.some((y) => equal(x, y)));
    if (method === 'hasAny') return other.some((x) => o.some((y) => equal(x, y)));
  }
  if (isMap(o)) {
    if (method === 'keys') return Object.keys(o);
    if (method === 'size') return Object.keys(o).length;
    if (method === 'diff' && isMap(a[0])) return new RMapDiff(o, a[0]) as unknown as RValue;
  }
  if ((o as unknown) instanceof RMapDiff && method === 'affectedKeys') return (o as unknown as RMapDiff).affectedKeys();
  return err(`method ${method} not modelled on this value`);
}

function callFunction(f: FunctionDecl, args: RValue[], env: EvalEnv): RValue {
  if (args.length !== f.params.length) return err(`${f.name} arity`);
  const vars: Record<string, RValue> = { ...env.vars };
  f.params.forEach((p, i) => {
    vars[p] = args[i] as RValue;
  });
  const local: EvalEnv = { functions: env.functions, vars };
  for (const l of f.lets) vars[l.name] = evaluate(l.value, local);
  return evaluate(f.body, local);
}

/** Calls a rules function; an evaluation error counts as `false`, as in the rules runtime (denied). */
export function callRulesFunction(env: EvalEnv, name: string, ...args: RValue[]): boolean {
  const f = env.functions.get(name);
  if (!f) throw new Error(`no rules function ${name}`);
  try {
    return callFunction(f, args, env) === true;
  } catch (e) {
    if (e instanceof RulesEvalError) return false;
    throw e;
  }
}

// ---- whole-request evaluation (model of the rules runtime's allow resolution) ----

/** The result of `map.diff(other)` (rules.MapDiff). */
export class RMapDiff {
  constructor(
    readonly after: Record<string, RValue>,
    readonly before: Record<string, RValue>,
  ) {}
  affectedKeys(): string[] {
    const keys = new Set([...Object.keys(this.after), ...Object.keys(this.before)]);
    return [...keys].filter((k) => !(k in this.after) || !(k in this.before) || !equal(this.after[k] as RValue, this.before[k] as RValue));
  }
}

export type RulesMethod = 'get' | 'list' | 'create' | 'update' | 'delete';

/** The methods an `allow` line must name to cover a request (`read` = get+list, `write` = create+update+delete). */
const COVERS: Record<RulesMethod, string[]> = {
  get: ['get', 'read'],
  list: ['list', 'read'],
  create: ['create', 'write'],
  update: ['update', 'write'],
  delete: ['delete', 'write'],
};

function matchSegments(pattern: string, segments: string[]): { bound: Record<string, string>; rest: string[] } | null {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length > segments.length) return null;
  const bound: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 1) {
    const p = parts[i] as string;
    const s = segments[i] as string;
    const w = /^\{([A-Za-z_][A-Za-z0-9_]*)(=\*\*)?\}$/.exec(p);
    if (w?.[2]) {
      bound[w[1] as string] = segments.slice(i).join('/');
      return { bound, rest: [] };
    }
    if (w) bound[w[1] as string] = s;
    else if (p !== s) return null;
  }
  return { bound, rest: segments.slice(parts.length) };
}

/**
 * Whether the rules allow `method` on the resource at `resourcePath` (e.g.
 * `/databases/(default)/documents/users/alice`), given `request` and `resource` values. Every `allow` of every
 * `match` that matches the full path is tried; one true condition allows (an error in a condition counts as false).
 * For `list`, `resourcePath` is a document path inside the listed collection.
 */
export function isAllowed(
  rules: import('./rulesParser').RulesFile,
  resourcePath: string,
  method: RulesMethod,
  request: RValue,
  resource: RValue,
): boolean {
  const segments = resourcePath.split('/').filter(Boolean);
  type Block = import('./rulesParser').MatchBlock;
  const visit = (blocks: Block[], rest: string[], vars: Record<string, RValue>, fnsInScope: Map<string, FunctionDecl>): boolean => {
    for (const b of blocks) {
      const m = matchSegments(b.path, rest);
      if (!m) continue;
      const scopeVars = { ...vars, ...m.bound };
      const scopeFns = new Map(fnsInScope);
      for (const f of b.functions) scopeFns.set(f.name, f);
      if (m.rest.length === 0) {
        const env: EvalEnv = { functions: scopeFns, vars: { ...scopeVars, request, resource } };
        for (const a of b.allows) {
          if (!a.methods.some((x) => COVERS[method].includes(x))) continue;
          if (a.condition === null) return true;
          try {
            if (evaluate(a.condition, env) === true) return true;
          } catch (e) {
            if (!(e instanceof RulesEvalError)) throw e;
          }
        }
      }
      if (visit(b.matches, m.rest, scopeVars, scopeFns)) return true;
    }
    return false;
  };
  return rules.services.some((s) => visit(s.matches, segments, {}, new Map(s.functions.map((f) => [f.name, f]))));
}

/**
 * Whether a collection group query over `collectionId` (e.g. `collectionGroup('segments')`) is allowed. In rules
 * version 2 such a query is matched only by `match` paths that end in `/{collectionId}/{doc}` and contain a
 * recursive wildcard (`{path=**}`) before it: `match /users/{uid}/segments/{id}` never authorises it. The
 * wildcards are bound to nothing (the query spans every parent), so a condition using them errors (denied).
 */
export function isCollectionGroupListAllowed(
  rules: import('./rulesParser').RulesFile,
  collectionId: string,
  request: RValue,
): boolean {
  type Block = import('./rulesParser').MatchBlock;
  const visit = (blocks: Block[], prefix: string[], fnsInScope: Map<string, FunctionDecl>): boolean => {
    for (const b of blocks) {
      const parts = [...prefix, ...b.path.split('/').filter(Boolean)];
      const scopeFns = new Map(fnsInScope);
      for (const f of b.functions) scopeFns.set(f.name, f);
      const n = parts.length;
      const applies =
        n >= 3 &&
        parts[n - 2] === collectionId &&
        /^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(parts[n - 1] as string) &&
        parts.slice(0, n - 2).some((p) => /=\*\*\}$/.test(p));
      if (applies) {
        const env: EvalEnv = { functions: scopeFns, vars: { request, resource: null } };
        for (const a of b.allows) {
          if (!a.methods.some((x) => COVERS.list.includes(x))) continue;
          if (a.condition === null) return true;
          try {
            if (evaluate(a.condition, env) === true) return true;
          } catch (e) {
            if (!(e instanceof RulesEvalError)) throw e;
          }
        }
      }
      if (visit(b.matches, parts, scopeFns)) return true;
    }
    return false;
  };
  return rules.services.some((s) => visit(s.matches, [], new Map(s.functions.map((f) => [f.name, f]))));
}
