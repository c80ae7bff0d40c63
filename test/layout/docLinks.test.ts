/**
 * Links between the Markdown pages (README.md, docs/, every other tracked `.md`) lead somewhere: a relative link
 * names a tracked file or folder, and a `#fragment` names a heading of the page it points to, as GitHub renders it.
 * So a page moved or a heading renamed without its links fails here, not in a reader's browser. Links to other
 * sites (`https:`, `mailto:`) are not followed; code blocks and inline code are not links.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './sources';

const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
const trackedPaths = new Set(tracked.flatMap((f) => [f, ...ancestors(f)]));
const pages = tracked.filter((f) => f.endsWith('.md'));

/** `a/b/c.md` -> `a/b`, `a`. */
function ancestors(file: string): string[] {
  const out: string[] = [];
  for (let d = path.posix.dirname(file); d !== '.'; d = path.posix.dirname(d)) out.push(d);
  return out;
}

/** The lines of a page outside fenced code blocks, with inline code removed (`[x](y)` in backticks is no link). */
function proseLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let fence: string | null = null;
  text.split('\n').forEach((l, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(l);
    if (m) {
      if (fence === null) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = null;
      return;
    }
    if (fence === null) out.push({ line: i + 1, text: l.replace(/`+[^`]*`+/g, '') });
  });
  return out;
}

/**
 * GitHub's anchor for a heading (the rules of github-slugger, which github.com uses): the heading's text as rendered
 * (inline code keeps its text, a link its label, emphasis markers go), lower-cased, every character that is not a
 * letter, mark, digit, `_`, `-` or space removed, each space made `-`; a repeated slug gets `-1`, `-2`, ...
 */
export function headingSlugs(text: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  let fence: string | null = null;
  for (const l of text.split('\n')) {
    const f = /^\s*(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      continue;
    }
    const h = fence === null ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(l) : null;
    if (!h) continue;
    const rendered = h[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`/g, '')
      .replace(/(\*\*|__|\*)/g, '');
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n === 0 ? base : `${base}-${n}`);
  }
  return slugs;
}

interface Link {
  page: string;
  line: number;
  target: string;
}

/** Every inline link and image of a page: `[label](target)`, `![alt](target "title")`. */
function linksOf(page: string): Link[] {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
  return proseLines(text).flatMap(({ line, text: l }) =>
    [...l.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({ page, line, target: m[1]! })),
  );
}

/** Why a link leads nowhere, or null when it leads to a tracked file (and heading). */
function brokenReason({ page, target }: Link): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // another site: https:, mailto:
  const [file, fragment] = target.split('#', 2) as [string, string | undefined];
  const dest = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(file))).replace(/\/$/, '');
  if (!trackedPaths.has(dest)) return `no tracked file or folder ${dest}`;
  if (fragment === undefined) return null;
  if (!dest.endsWith('.md')) return `a #fragment on ${dest}, which has no headings`;
  const slugs = headingSlugs(fs.readFileSync(path.join(ROOT, dest), 'utf8'));
  return slugs.has(decodeURIComponent(fragment)) ? null : `${dest} has no heading #${fragment}`;
}

test('the pages checked are the README and the docs/ pages, and they link to each other', () => {
  expect(pages).toContain('README.md');
  const docsPages = pages.filter((p) => p.startsWith('docs/'));
  expect(docsPages.length).toBeGreaterThan(5);
  const fromReadme = new Set(linksOf('README.md').map((l) => l.target.split('#')[0]));
  expect(docsPages.filter((p) => !fromReadme.has(p))).toEqual([]);
});

test('every relative link names a tracked file, and every #fragment a heading of its page', () => {
  const links = pages.flatMap(linksOf);
  expect(links.length).toBeGreaterThan(30);
  const broken = links.flatMap((l) => {
    const why = brokenReason(l);
    return why ? [`${l.page}:${l.line}: (${l.target}) ${why}`] : [];
  });
  expect(broken).toEqual([]);
});

test.each([
  ['## The `report` command', 'the-report-command'],
  ['### Callables: region, `planTrip`, `deleteAccount`', 'callables-region-plantrip-deleteaccount'],
  ['#### `users/{uid}`: the profile', 'usersuid-the-profile'],
  ['### Parameters (`functions/src/config.ts`)', 'parameters-functionssrcconfigts'],
  ['## Visa alerts (push notifications to iOS through FCM and APNs)', 'visa-alerts-push-notifications-to-ios-through-fcm-and-apns'],
  ['### Status recompute: correctness and cost', 'status-recompute-correctness-and-cost'],
  ['## Türkiye: 90/180', 'türkiye-90180'],
  ['## A [linked](x.md) **bold** heading', 'a-linked-bold-heading'],
])('GitHub slug of %j is %j', (heading, slug) => {
  expect([...headingSlugs(heading)]).toEqual([slug]);
});

test('a repeated heading gets -1, -2 as on GitHub', () => {
  expect([...headingSlugs('## Errors\n\n## Errors\n\n## Errors\n')]).toEqual(['errors', 'errors-1', 'errors-2']);
});
