/**
 * Reading firestore.rules and storage.rules as TEXT, for the offline checks that need no rules runtime: which
 * field names, enum values and limits a function mentions, which paths have a `match` block and what each block
 * allows. Nothing here evaluates a rule: how the rules behave is proven on Google's Firestore emulator
 * (test/rules/firestore.rules.emulator.test.ts and firestore.rules.property.test.ts).
 */

/** The source with `//` and `/* *\/` comments blanked out (string literals, which may contain `//`, are kept). */
export function withoutComments(src: string): string {
  let out = '';
  for (let i = 0; i < src.length;) {
    const c = src[i] as string;
    if (c === "'" || c === '"') {
      const end = stringEnd(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated /* comment');
      i = end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just after the string literal that starts at `start` (quote `src[start]`, backslash escapes). */
function stringEnd(src: string, start: number): number {
  const quote = src[start];
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === quote) return i + 1;
    else if (src[i] === '\n') break;
  }
  throw new Error(`unterminated string at offset ${start}`);
}

/** Index of the `}` that closes the `{` at `open`, skipping braces inside string literals (regexes use `{2}`). */
function closingBrace(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === "'" || c === '"') i = stringEnd(src, i) - 1;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error(`unbalanced "{" at offset ${open}`);
}

/** The body (between the braces) of `function name(...) { ... }`; throws when the function does not exist. */
export function functionBody(src: string, name: string): string {
  const code = withoutComments(src);
  const m = new RegExp(`\\bfunction\\s+${name}\\s*\\([^)]*\\)\\s*\\{`).exec(code);
  if (!m) throw new Error(`no function ${name}() in the rules`);
  const open = m.index + m[0].length - 1;
  return code.slice(open + 1, closingBrace(code, open));
}

/** Every string literal in `text`, unquoted. */
export function stringLiterals(text: string): string[] {
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? m[2]) as string);
}

export interface MatchBlock {
  /** Full path, the enclosing blocks' paths joined: `/databases/{database}/documents/users/{uid}`. */
  path: string;
  /** Methods of the `allow` statements directly in this block (not in nested blocks). */
  allows: string[];
}

/** Every `match` block with its full path and the methods its own `allow` statements name. */
export function matchBlocks(src: string): MatchBlock[] {
  const code = withoutComments(src);
  const out: MatchBlock[] = [];
  const visit = (from: number, to: number, prefix: string) => {
    const re = /\bmatch\s+(\S+)\s*\{/g;
    re.lastIndex = from;
    for (let m = re.exec(code); m && m.index < to; m = re.exec(code)) {
      const open = m.index + m[0].length - 1;
      const close = closingBrace(code, open);
      const path = prefix + m[1];
      // This block's own text: nested match blocks blanked out.
      let own = code.slice(open + 1, close);
      for (let n = /\bmatch\s+\S+\s*\{/.exec(own); n; n = /\bmatch\s+\S+\s*\{/.exec(own)) {
        const innerOpen = n.index + n[0].length - 1;
        own = own.slice(0, n.index) + own.slice(closingBrace(own, innerOpen) + 1);
      }
      const allows = [...own.matchAll(/\ballow\s+([a-z,\s]+?)\s*:/g)].flatMap((a) => (a[1] as string).split(/[\s,]+/).filter(Boolean));
      out.push({ path, allows });
      visit(open + 1, close, path);
      re.lastIndex = close + 1;
    }
  };
  visit(0, code.length, '');
  return out;
}
