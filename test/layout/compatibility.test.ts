/**
 * The compatibility code is gathered in one table (docs/functions.md, "Compatibility code and when it goes"), each
 * row with the symbols that carry it and the condition for its removal. This fails when a symbol the table names no
 * longer exists in the sources, so the table cannot outlive the code it describes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, sourceDirs, tsFiles } from './sources';

/** The rows of the table: the symbols (backticked names in the second column) and the removal condition. */
function compatibilityRows(): { what: string; symbols: string[]; removeWhen: string }[] {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'functions.md'), 'utf8');
  const start = page.indexOf('\n## Compatibility code and when it goes\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const section = page.slice(start + 1).split('\n## ')[0]!;
  return section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| What') && !l.startsWith('|---'))
    .map((l) => {
      const [what, symbols, removeWhen] = l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
      return { what: what!, symbols: [...symbols!.matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!), removeWhen: removeWhen! };
    });
}

const sources = sourceDirs()
  .flatMap(tsFiles)
  .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'))
  .join('\n');

/** Whether `name` is declared (function, const, class member, interface member) somewhere in the sources. */
function declared(name: string): boolean {
  return new RegExp(`(?:function|const|let|class|interface|type)\\s+${name}\\b|^\\s*(?:readonly\\s+|async\\s+)?${name}\\s*[(:<]`, 'm').test(sources);
}

test('the compatibility table has rows, each with symbols and a removal condition', () => {
  const rows = compatibilityRows();
  expect(rows.length).toBeGreaterThanOrEqual(3);
  for (const r of rows) {
    expect(r.symbols.length).toBeGreaterThan(0);
    expect(r.removeWhen.length).toBeGreaterThan(10);
  }
});

test('every symbol the compatibility table names exists in the sources', () => {
  const missing = compatibilityRows().flatMap((r) => r.symbols.filter((s) => !declared(s)).map((s) => `${s} (${r.what.slice(0, 60)}...)`));
  expect(missing).toEqual([]);
});

test.each([
  ['isLegacyStatus', true],
  ['hasLegacyStatus', true],
  ['noSuchCompatibilityHelper', false],
])('declared(%s) = %s', (name, expected) => {
  expect(declared(name)).toBe(expected);
});
