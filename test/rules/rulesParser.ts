/**
 * A parser for the Firebase Security Rules language (rules_version '2'), used to check firestore.rules and
 * storage.rules offline. Google's real compiler runs only inside the Java emulators and on the server, and
 * firebase-tools ships no parser, so this one covers the language as the rules reference describes it:
 * `service` / `match` / `allow` / `function` (with `let`), and expressions with `|| && == != < <= > >= in is
 * + - * / % ! ?:`, member access, indexing and ranges, calls, list and map literals.
 *
 * Besides syntax, `checkScopes` resolves names: every identifier must be a function parameter, a `let`, a path
 * wildcard of an enclosing `match`, or a global (`request`, `resource`, `timestamp`, ...), and every bare call must
 * be a function declared in an enclosing scope with the right number of arguments, or a built-in. That catches the
 * typos a structural check would not (a misspelt helper silently denies in production).
 */

export interface Token {
  kind: 'ident' | 'number' | 'string' | 'punct' | 'path';
  value: string;
  line: number;
}

export class RulesSyntaxError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'RulesSyntaxError';
  }
}

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '{', '}', '(', ')', '[', ']', ';', ',', '.', ':', '=', '<', '>', '!', '+', '-', '*', '/', '%', '?'];

/** Tokens of a rules file; `match` is followed by one `path` token. Comments (`//`, `/* *\/`) are skipped. */
export function tokenize(src: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const pathRe = /\/(?:\{[A-Za-z_][A-Za-z0-9_]*(?:=\*\*)?\}|\$\([^)]*\)|[A-Za-z0-9_.~\-()]+)/y;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(c)) i += 1;
    else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i += 1;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new RulesSyntaxError(file, line, 'unterminated comment');
      line += src.slice(i, end).split('\n').length - 1;
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new RulesSyntaxError(file, line, 'unterminated string');
        if (src[j] === '\\') {
          value += src[j + 1];
          j += 2;
        } else value += src[j++];
      }
      if (j >= src.length) throw new RulesSyntaxError(file, line, 'unterminated string');
      out.push({ kind: 'string', value, line });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /[0-9]+(\.[0-9]+)?/y;
      m.lastIndex = i;
      const v = (m.exec(src) as RegExpExecArray)[0];
      out.push({ kind: 'number', value: v, line });
      i += v.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /[A-Za-z_][A-Za-z0-9_]*/y;
      m.lastIndex = i;
      const v = (m.exec(src) as RegExpExecArray)[0];
      out.push({ kind: 'ident', value: v, line });
      i += v.length;
      if (v === 'match') {
        while (i < src.length && /[ \t]/.test(src[i] as string)) i += 1;
        let path = '';
        for (;;) {
          pathRe.lastIndex = i;
          const pm = pathRe.exec(src);
          if (!pm) break;
          path += pm[0];
          i += pm[0].length;
        }
        if (!path) throw new RulesSyntaxError(file, line, '`match` must be followed by a path such as /users/{uid}');
        out.push({ kind: 'path', value: path, line });
      }
    } else {
      const p = PUNCT.find((q) => src.startsWith(q, i));
      if (!p) throw new RulesSyntaxError(file, line, `unexpected character ${JSON.stringify(c)}`);
      out.push({ kind: 'punct', value: p, line });
      i += p.length;
    }
  }
  return out;
}

export type Expr =
  | { type: 'lit'; value: string | number | boolean | null; line: number }
  | { type: 'id'; name: string; line: number }
  | { type: 'list'; items: Expr[]; line: number }
  | { type: 'map'; entries: [Expr, Expr][]; line: number }
  | { type: 'unary'; op: string; arg: Expr; line: number }
  | { type: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { type: 'cond'; test: Expr; then: Expr; else: Expr; line: number }
  | { type: 'member'; object: Expr; name: string; line: number }
  | { type: 'index'; object: Expr; index: Expr; end?: Expr; line: number }
  | { type: 'call'; callee: Expr; args: Expr[]; line: number };

export interface FunctionDecl {
  name: string;
  params: string[];
  lets: { name: string; value: Expr }[];
  body: Expr;
  line: number;
}

export interface AllowDecl {
  methods: string[];
  condition: Expr | null;
  line: number;
}

export interface MatchBlock {
  path: string;
  /** Wildcard names bound by this match (`{uid}` -> `uid`, `{doc=**}` -> `doc`). */
  wildcards: string[];
  functions: FunctionDecl[];
  allows: AllowDecl[];
  matches: MatchBlock[];
  line: number;
}

export interface ServiceDecl {
  name: string;
  functions: FunctionDecl[];
  matches: MatchBlock[];
}

export interface RulesFile {
  version: string | null;
  services: ServiceDecl[];
}

const METHODS = ['read', 'write', 'get', 'list', 'create', 'update', 'delete'];
const TYPE_NAMES = ['bool', 'bytes', 'constraint', 'duration', 'float', 'int', 'latlng', 'list', 'map', 'map_diff', 'number', 'path', 'set', 'string', 'timestamp'];
// Binary operators by precedence, lowest first.
const LEVELS: string[][] = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', 'in', 'is'], ['+', '-'], ['*', '/', '%']];

/** Parses a rules file. @throws RulesSyntaxError naming file and line. */
export function parseRules(src: string, file: string): RulesFile {
  const toks = tokenize(src, file);
  let pos = 0;
  const peek = (o = 0): Token | undefined => toks[pos + o];
  const lineNow = () => (peek() ?? toks[toks.length - 1])?.line ?? 1;
  const fail = (msg: string): never => {
    throw new RulesSyntaxError(file, lineNow(), msg);
  };
  const is = (value: string, o = 0) => {
    const t = peek(o);
    return t !== undefined && (t.kind === 'punct' || t.kind === 'ident') && t.value === value;
  };
  const expect = (value: string): Token => {
    if (!is(value)) fail(`expected "${value}" but found ${peek() ? JSON.stringify(peek()?.value) : 'end of file'}`);
    return toks[pos++] as Token;
  };
  const ident = (): string => {
    const t = peek();
    if (t?.kind !== 'ident') fail(`expected a name but found ${t ? JSON.stringify(t.value) : 'end of file'}`);
    pos += 1;
    return (t as Token).value;
  };

  function primary(): Expr {
    const t = peek();
    if (!t) return fail('unexpected end of file in expression');
    const line = t.line;
    if (t.kind === 'number') {
      pos += 1;
      return { type: 'lit', value: Number(t.value), line };
    }
    if (t.kind === 'string') {
      pos += 1;
      return { type: 'lit', value: t.value, line };
    }
    if (t.kind === 'ident') {
      pos += 1;
      if (t.value === 'true' || t.value === 'false') return { type: 'lit', value: t.value === 'true', line };
      if (t.value === 'null') return { type: 'lit', value: null, line };
      return { type: 'id', name: t.value, line };
    }
    if (is('(')) {
      pos += 1;
      const e = expression();
      expect(')');
      return e;
    }
    if (is('[')) {
      pos += 1;
      const items: Expr[] = [];
      while (!is(']')) {
        items.push(expression());
        if (!is(']')) expect(',');
      }
      expect(']');
      return { type: 'list', items, line };
    }
    if (is('{')) {
      pos += 1;
      const entries: [Expr, Expr][] = [];
      while (!is('}')) {
        const k = expression();
        expect(':');
        entries.push([k, expression()]);
        if (!is('}')) expect(',');
      }
      expect('}');
      return { type: 'map', entries, line };
    }
    return fail(`unexpected ${JSON.stringify(t.value)} in expression`);
  }

  function postfix(): Expr {
    let e = primary();
    for (;;) {
      const line = lineNow();
      if (is('.')) {
        pos += 1;
        e = { type: 'member', object: e, name: ident(), line };
      } else if (is('[')) {
        pos += 1;
        const index = expression();
        let end: Expr | undefined;
        if (is(':')) {
          pos += 1;
          end = expression();
        }
        expect(']');
        e = { type: 'index', object: e, index, end, line };
      } else if (is('(')) {
        pos += 1;
        const args: Expr[] = [];
        while (!is(')')) {
          args.push(expression());
          if (!is(')')) expect(',');
        }
        expect(')');
        e = { type: 'call', callee: e, args, line };
      } else return e;
    }
  }

  function unary(): Expr {
    if (is('!') || is('-')) {
      const line = lineNow();
      const op = (toks[pos++] as Token).value;
      return { type: 'unary', op, arg: unary(), line };
    }
    return postfix();
  }

  function binary(level: number): Expr {
    if (level >= LEVELS.length) return unary();
    let left = binary(level + 1);
    const ops = LEVELS[level] as string[];
    while (ops.some((op) => is(op))) {
      const line = lineNow();
      const op = (toks[pos++] as Token).value;
      if (op === 'is') {
        const typeName = ident();
        if (!TYPE_NAMES.includes(typeName)) fail(`"${typeName}" is not a rules type (${TYPE_NAMES.join(', ')})`);
        left = { type: 'binary', op, left, right: { type: 'lit', value: typeName, line }, line };
      } else {
        left = { type: 'binary', op, left, right: binary(level + 1), line };
      }
    }
    return left;
  }

  function expression(): Expr {
    const test = binary(0);
    if (!is('?')) return test;
    const line = lineNow();
    pos += 1;
    const then = expression();
    expect(':');
    return { type: 'cond', test, then, else: expression(), line };
  }

  function functionDecl(): FunctionDecl {
    const line = lineNow();
    expect('function');
    const name = ident();
    expect('(');
    const params: string[] = [];
    while (!is(')')) {
      params.push(ident());
      if (!is(')')) expect(',');
    }
    expect(')');
    expect('{');
    const lets: { name: string; value: Expr }[] = [];
    while (is('let')) {
      pos += 1;
      const n = ident();
      expect('=');
      lets.push({ name: n, value: expression() });
      expect(';');
    }
    expect('return');
    const body = expression();
    if (is(';')) pos += 1;
    expect('}');
    return { name, params, lets, body, line };
  }

  function allowDecl(): AllowDecl {
    const line = lineNow();
    expect('allow');
    const methods = [ident()];
    while (is(',')) {
      pos += 1;
      methods.push(ident());
    }
    for (const m of methods) if (!METHODS.includes(m)) fail(`"${m}" is not a rules method (${METHODS.join(', ')})`);
    let condition: Expr | null = null;
    if (is(':')) {
      pos += 1;
      expect('if');
      condition = expression();
    }
    expect(';');
    return { methods, condition, line };
  }

  function matchBlock(): MatchBlock {
    const line = lineNow();
    expect('match');
    const t = peek();
    if (t?.kind !== 'path') fail('expected a path after match');
    pos += 1;
    const path = (t as Token).value;
    const wildcards = [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)(=\*\*)?\}/g)].map((m) => m[1] as string);
    const block: MatchBlock = { path, wildcards, functions: [], allows: [], matches: [], line };
    expect('{');
    while (!is('}')) {
      if (!peek()) fail(`unclosed match ${path}`);
      if (is('function')) block.functions.push(functionDecl());
      else if (is('allow')) block.allows.push(allowDecl());
      else if (is('match')) block.matches.push(matchBlock());
      else fail(`expected function, allow or match inside match ${path}, found ${JSON.stringify(peek()?.value)}`);
    }
    expect('}');
    return block;
  }

  const result: RulesFile = { version: null, services: [] };
  if (is('rules_version')) {
    pos += 1;
    expect('=');
    const v = peek();
    if (v?.kind !== 'string') fail('rules_version must be a string');
    result.version = (v as Token).value;
    pos += 1;
    expect(';');
  }
  while (peek()) {
    expect('service');
    let name = ident();
    while (is('.')) {
      pos += 1;
      name += `.${ident()}`;
    }
    const service: ServiceDecl = { name, functions: [], matches: [] };
    expect('{');
    while (!is('}')) {
      if (!peek()) fail(`unclosed service ${name}`);
      if (is('function')) service.functions.push(functionDecl());
      else if (is('match')) service.matches.push(matchBlock());
      else fail(`expected function or match inside service ${name}, found ${JSON.stringify(peek()?.value)}`);
    }
    expect('}');
    result.services.push(service);
  }
  return result;
}

/** Names every rules expression may use without declaring them. */
const GLOBALS = ['request', 'resource', 'timestamp', 'duration', 'math', 'hashing', 'latlng', 'firestore'];
/** Functions callable by bare name. */
const BUILTIN_FUNCTIONS = ['int', 'float', 'string', 'bool', 'path', 'get', 'exists', 'getAfter', 'existsAfter', 'debug'];

export interface ScopeProblem {
  line: number;
  message: string;
}

/**
 * Resolves every name of every expression (see the file docstring). Returns the problems found (empty when
 * none). Rules functions may be called before their declaration within the same or an enclosing scope.
 */
export function checkScopes(rules: RulesFile): ScopeProblem[] {
  const problems: ScopeProblem[] = [];

  const walk = (e: Expr, vars: Set<string>, fns: Map<string, number>): void => {
    switch (e.type) {
      case 'lit':
        return;
      case 'id':
        if (!vars.has(e.name) && !GLOBALS.includes(e.name)) problems.push({ line: e.line, message: `unknown name "${e.name}"` });
        return;
      case 'list':
        e.items.forEach((x) => walk(x, vars, fns));
        return;
      case 'map':
        e.entries.forEach(([k, v]) => {
          walk(k, vars, fns);
          walk(v, vars, fns);
        });
        return;
      case 'unary':
        walk(e.arg, vars, fns);
        return;
      case 'binary':
        walk(e.left, vars, fns);
        if (e.op !== 'is') walk(e.right, vars, fns);
        return;
      case 'cond':
        walk(e.test, vars, fns);
        walk(e.then, vars, fns);
        walk(e.else, vars, fns);
        return;
      case 'member':
        walk(e.object, vars, fns);
        return;
      case 'index':
        walk(e.object, vars, fns);
        walk(e.index, vars, fns);
        if (e.end) walk(e.end, vars, fns);
        return;
      case 'call':
        if (e.callee.type === 'id') {
          const arity = fns.get(e.callee.name);
          if (arity !== undefined) {
            if (arity !== e.args.length) {
              problems.push({ line: e.line, message: `${e.callee.name}() takes ${arity} argument(s), called with ${e.args.length}` });
            }
          } else if (!BUILTIN_FUNCTIONS.includes(e.callee.name)) {
            problems.push({ line: e.line, message: `call of undeclared function "${e.callee.name}"` });
          }
        } else walk(e.callee, vars, fns);
        e.args.forEach((a) => walk(a, vars, fns));
        return;
    }
  };

  const checkFunction = (f: FunctionDecl, vars: Set<string>, fns: Map<string, number>) => {
    const local = new Set([...vars, ...f.params]);
    for (const l of f.lets) {
      walk(l.value, local, fns);
      local.add(l.name);
    }
    walk(f.body, local, fns);
  };

  const visit = (block: { functions: FunctionDecl[]; allows?: AllowDecl[]; matches: MatchBlock[] }, vars: Set<string>, outer: Map<string, number>) => {
    const fns = new Map(outer);
    for (const f of block.functions) {
      if (block.functions.filter((g) => g.name === f.name).length > 1) {
        problems.push({ line: f.line, message: `function "${f.name}" declared twice in one scope` });
      }
      fns.set(f.name, f.params.length);
    }
    for (const f of block.functions) checkFunction(f, vars, fns);
    for (const a of block.allows ?? []) if (a.condition) walk(a.condition, vars, fns);
    for (const m of block.matches) visit(m, new Set([...vars, ...m.wildcards]), fns);
  };

  for (const s of rules.services) visit(s, new Set(), new Map());
  return problems;
}

/** Every match path from the service root, joined (`/databases/{database}/documents/users/{uid}/segments/{segmentId}`). */
export function matchPaths(rules: RulesFile): { path: string; block: MatchBlock }[] {
  const out: { path: string; block: MatchBlock }[] = [];
  const visit = (m: MatchBlock, prefix: string) => {
    const p = prefix + m.path;
    out.push({ path: p, block: m });
    m.matches.forEach((c) => visit(c, p));
  };
  for (const s of rules.services) s.matches.forEach((m) => visit(m, ''));
  return out;
}

/** All functions declared anywhere, by name (names are unique in this project's rules). */
export function functionsByName(rules: RulesFile): Map<string, FunctionDecl> {
  const out = new Map<string, FunctionDecl>();
  const visit = (b: { functions: FunctionDecl[]; matches: MatchBlock[] }) => {
    b.functions.forEach((f) => out.set(f.name, f));
    b.matches.forEach(visit);
  };
  rules.services.forEach(visit);
  return out;
}

/** String literals of an expression tree, in order. */
export function stringLiterals(e: Expr): string[] {
  const out: string[] = [];
  const walk = (x: Expr): void => {
    switch (x.type) {
      case 'lit':
        if (typeof x.value === 'string') out.push(x.value);
        return;
      case 'id':
        return;
      case 'list':
        x.items.forEach(walk);
        return;
      case 'map':
        x.entries.forEach(([k, v]) => {
          walk(k);
          walk(v);
        });
        return;
      case 'unary':
        walk(x.arg);
        return;
      case 'binary':
        walk(x.left);
        walk(x.right);
        return;
      case 'cond':
        walk(x.test);
        walk(x.then);
        walk(x.else);
        return;
      case 'member':
        walk(x.object);
        return;
      case 'index':
        walk(x.object);
        walk(x.index);
        if (x.end) walk(x.end);
        return;
      case 'call':
        walk(x.callee);
        x.args.forEach(walk);
        return;
    }
  };
  walk(e);
  return out;
}
