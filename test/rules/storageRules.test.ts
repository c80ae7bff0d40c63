/**
 * Offline checks of storage.rules. No Storage emulator can run on these machines (firebase-tools always starts its
 * cloud-storage-rules-runtime jar, which is not installed and cannot be downloaded), so the access matrix and upload
 * table (test/rules/storage.rules.emulator.test.ts) skip here by name; what needs no rules runtime is checked here, on the
 * text: which paths are matched and what they allow, the owner check, the size limit and backend marker, and the
 * two regular expressions (file name, content type) run against tables of names and types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_DEFAULTS } from '../../functions/src/config';
import { BACKEND_MARKER_KEY } from '../../functions/src/services/import/upload';
import { UPLOAD_CASES } from './accessMatrix';
import { functionBody, matchBlocks, stringLiterals, withoutComments } from './rulesSource';

const storageSrc = fs.readFileSync(path.resolve(__dirname, '../../storage.rules'), 'utf8');
const code = withoutComments(storageSrc).replace(/\s+/g, ' ');
const IMPORTS = '/b/{bucket}/o/users/{uid}/imports/{fileName}';

/**
 * The one pattern of a rules function (`x.matches('...')`) as a JavaScript RegExp. The rules' `matches` is a full
 * match in RE2 syntax; for patterns made of character classes, groups, alternation, `?`, `*` and `{m,n}` (no
 * backslash escapes, no `(?` constructs: checked here) RE2 and JavaScript agree, so `^(?:p)$` accepts the same strings.
 */
function patternOf(fn: string): RegExp {
  const literals = stringLiterals(functionBody(storageSrc, fn));
  expect(literals).toHaveLength(1);
  const p = literals[0] as string;
  expect(p).not.toMatch(/\\|\(\?/);
  return new RegExp(`^(?:${p})$`);
}

describe('storage.rules (text checks; no Storage emulator here)', () => {
  test('only users/{uid}/imports/{fileName} is matched, and clients can only read and create there', () => {
    const blocks = matchBlocks(storageSrc);
    expect(blocks.map((b) => b.path)).toEqual(['/b/{bucket}/o', IMPORTS]);
    expect(blocks[0]!.allows).toEqual([]);
    expect([...blocks[1]!.allows].sort()).toEqual(['create', 'get', 'list']);
    expect(storageSrc).not.toMatch(/=\*\*/);
  });

  test('every allow requires the owner of the uid in the path', () => {
    expect(functionBody(storageSrc, 'isOwner').replace(/\s+/g, ' ').trim()).toBe('return request.auth != null && request.auth.uid == uid;');
    const allows = code.match(/\ballow [a-z, ]+:/g) ?? [];
    const ownerAllows = code.match(/\ballow [a-z, ]+: if isOwner\(\)( &&|;)/g) ?? [];
    expect(allows.length).toBeGreaterThan(0);
    expect(ownerAllows.length).toBe(allows.length);
  });

  test('create checks the name, the size (1 byte to 10 MiB, the import function limit), the type and the marker', () => {
    for (const part of [
      'isImportFileName()',
      'request.resource.size > 0',
      'request.resource.size <= 10 * 1024 * 1024',
      'isTextContentType()',
      'hasNoBackendMarker()',
    ]) {
      expect(code).toMatch(new RegExp(`allow create: if isOwner\\(\\)[^;]*${part.replace(/[().*]/g, '\\$&')}`));
    }
    // One limit: a file the rules let through is not refused by size by onImportUploaded (IMPORT_MAX_BYTES).
    expect(CONFIG_DEFAULTS.importMaxBytes).toBe(10 * 1024 * 1024);
  });

  test('uploads may not carry the marker the import trigger reserves for objects the backend writes', () => {
    expect(code).toContain(`request.resource.metadata == null || !('${BACKEND_MARKER_KEY}' in request.resource.metadata)`);
  });

  const fileName = () => patternOf('isImportFileName');
  test.each([
    { name: 'a1b2-C3_d.csv', ok: true },
    { name: 'x.txt', ok: true },
    { name: `${'x'.repeat(128)}.csv`, ok: true },
    { name: `${'x'.repeat(129)}.csv`, ok: false },
    { name: 'x.CSV', ok: false },
    { name: 'x.csv.exe', ok: false },
    { name: '.csv', ok: false },
    { name: 'a b.csv', ok: false },
    { name: 'a.xlsx', ok: false },
    { name: 'axcsv', ok: false },
  ])('file name $name -> $ok', ({ name, ok }) => {
    expect(fileName().test(name)).toBe(ok);
  });

  const contentType = () => patternOf('isTextContentType');
  test.each([
    { type: 'text/csv', ok: true },
    { type: 'text/csv; charset=utf-8', ok: true },
    { type: 'text/plain', ok: true },
    { type: 'application/csv', ok: true },
    { type: 'text/comma-separated-values', ok: true },
    { type: 'text/tab-separated-values', ok: true },
    { type: 'application/vnd.ms-excel', ok: true },
    { type: 'application/vndxms-excel', ok: false },
    { type: 'application/octet-stream', ok: false },
    { type: 'image/png', ok: false },
    { type: 'text/csvx', ok: false },
    { type: 'TEXT/CSV', ok: false },
  ])('content type $type -> $ok', ({ type, ok }) => {
    expect(contentType().test(type)).toBe(ok);
  });

  test('every upload the emulator table accepts has a name and type these patterns accept', () => {
    const accepted = UPLOAD_CASES.filter((c) => c.ok);
    expect(accepted.length).toBeGreaterThan(2);
    for (const c of accepted) expect([c.name, fileName().test(c.file), contentType().test(c.contentType)]).toEqual([c.name, true, true]);
  });
});
