/**
 * What the report shows: the per-year table (every row adds up to its total), warnings grouped by kind,
 * `--trips` (stays), `--csv` (two files) and `--html` (one self-contained page), through `main()` on the team
 * fixture test/fixtures/import/generic-traveller.csv (a made-up traveller: 2017..2026, a transit at FRA, a
 * train ride Zurich -> Milan not logged, a planned trip after the evaluation date) and small JSON files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { run } from './runReport';

const TRAVELLER = path.resolve(__dirname, '../fixtures/import/generic-traveller.csv');
const AS_OF = '2026-06-15';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttt-report-out-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: unknown) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof data === 'string' ? data : JSON.stringify(data));
  return p;
};
const seg = (from: string, to: string, dep: string, extra: object = {}) => ({
  departureCountry: from,
  arrivalCountry: to,
  departureDate: dep,
  arrivalDate: dep,
  mode: 'flight',
  ...extra,
});

/** The lines of the section that starts with `title`, up to the next blank line. */
function section(out: string, title: RegExp): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => title.test(l));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

/** The per-year table as { header cells, rows: code -> numbers by header cell } (blank cell = 0). */
function parseTable(out: string) {
  const lines = section(out, /^Days per country/);
  const header = lines[1]!;
  const cols = [...header.matchAll(/\S+/g)].slice(1).map((m) => ({ name: m[0], end: m.index + m[0].length }));
  const rows: Record<string, Record<string, number>> = {};
  for (const line of lines.slice(2)) {
    if (!/^ {2}[A-Z]{2} /.test(line)) continue;
    const cells: Record<string, number> = {};
    // Numbers are right-aligned under their header: a cell runs from the previous header's end to its own.
    cols.forEach((c, i) => {
      const cell = line.slice(i ? cols[i - 1]!.end : c.end - 7, c.end).trim();
      cells[c.name] = cell === '' ? 0 : Number(cell);
    });
    rows[line.slice(2, 4)] = cells;
  }
  return { header: cols.map((c) => c.name), rows, notes: lines.filter((l) => /^ {2}\(/.test(l)) };
}

describe('the per-year table: every row adds up to its total', () => {
  test.each<{ name: string; file: () => string; asOf: string; header: string[]; rows: Record<string, Record<string, number>>; note?: RegExp }>([
    {
      name: 'ten years of history: the six latest, and "earlier" for the four before (GB 24 = 14 in 2017 + 10 in 2024)',
      file: () => TRAVELLER,
      asOf: AS_OF,
      header: ['total', 'earlier', '2021', '2022', '2023', '2024', '2025', '2026'],
      rows: {
        GB: { total: 24, earlier: 14, '2021': 0, '2022': 0, '2023': 0, '2024': 10, '2025': 0, '2026': 0 },
        IS: { total: 9, earlier: 9, '2021': 0, '2022': 0, '2023': 0, '2024': 0, '2025': 0, '2026': 0 },
        CA: { total: 15, earlier: 0, '2021': 0, '2022': 0, '2023': 0, '2024': 0, '2025': 12, '2026': 3 },
      },
      note: /^ {2}\(earlier: 2017 to 2020\)$/,
    },
    {
      name: 'two years: no "earlier" column',
      file: () => write('two-years.json', { segments: [seg('US', 'FR', '2025-12-25'), seg('FR', 'US', '2026-01-05')] }),
      asOf: '2026-01-10',
      header: ['total', '2025', '2026'],
      rows: { FR: { total: 12, '2025': 7, '2026': 5 }, US: { total: 7, '2025': 1, '2026': 6 } },
    },
    {
      name: 'a single day in 2015 and everything else in 2020..2026: GB shows its day under "earlier"',
      file: () =>
        write('gb-2015.json', {
          segments: [
            seg('US', 'GB', '2015-05-01'),
            seg('GB', 'US', '2015-05-01'),
            seg('US', 'FR', '2020-03-01'),
            seg('FR', 'US', '2020-03-02'),
            seg('US', 'DE', '2026-01-05'),
          ],
        }),
      asOf: '2026-01-10',
      header: ['total', 'earlier', '2021', '2022', '2023', '2024', '2025', '2026'],
      rows: { GB: { total: 1, earlier: 1, '2021': 0, '2022': 0, '2023': 0, '2024': 0, '2025': 0, '2026': 0 } },
      note: /^ {2}\(earlier: 2015 to 2020\)$/,
    },
  ])('$name', async ({ file, asOf, header, rows, note }) => {
    const r = await run(['report', file(), '--as-of', asOf]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const t = parseTable(r.out);
    expect(t.header).toEqual(header);
    for (const [code, want] of Object.entries(rows)) expect(t.rows[code]).toEqual(want);
    for (const [code, cells] of Object.entries(t.rows)) {
      const sum = Object.entries(cells).reduce((n, [k, v]) => (k === 'total' ? n : n + v), 0);
      expect([code, sum]).toEqual([code, cells.total]);
    }
    if (note) expect(t.notes).toEqual([expect.stringMatching(note)]);
    else expect(t.notes).toEqual([]);
  });
});

describe('warnings grouped by kind', () => {
  test('twelve gaps: one group with a count, three examples, how many more and a fix', async () => {
    // Twelve flights from the USA to France, never back: every one after the first departs from where it did not land.
    const segments = Array.from({ length: 13 }, (_, i) => seg('US', 'FR', `2025-${String(i < 12 ? i + 1 : 12).padStart(2, '0')}-${i < 12 ? '01' : '20'}`));
    const r = await run(['report', write('gaps.json', { segments }), '--as-of', '2026-01-10']);
    expect(r.code).toBe(0);
    expect(section(r.out, /^Warnings/)).toEqual([
      'Warnings (12, 1 kind; --json lists every one)',
      '  12 gaps: a segment departs from a country other than where the previous one arrived, so a trip is missing',
      '     missing between FR (arrived 2025-01-01, "segment-1") and US (departs 2025-02-01, "segment-2")',
      '     missing between FR (arrived 2025-02-01, "segment-2") and US (departs 2025-03-01, "segment-3")',
      '     missing between FR (arrived 2025-03-01, "segment-3") and US (departs 2025-04-01, "segment-4")',
      '     … and 9 more',
      '     fix: add the missing flight, or a land/sea segment if you crossed the border another way',
    ]);
  });

  test('kinds from the import and the core each get their group (generic.csv)', async () => {
    const r = await run(['report', path.resolve(__dirname, '../fixtures/import/generic.csv'), '--as-of', '2026-11-23']);
    const lines = section(r.out, /^Warnings/);
    expect(lines[0]).toBe('Warnings (3, 2 kinds; --json lists every one)');
    expect(lines.filter((l) => /^ {2}\d/.test(l))).toEqual([
      '  1 group of flights with an assumed arrival date: long-haul flights without an arrival time',
      '  2 values not stored: a flight number or note that looks like a spreadsheet formula; the flight itself was imported',
    ]);
  });

  test('no warnings: no section', async () => {
    const r = await run(['report', write('clean.json', { segments: [seg('US', 'FR', '2026-01-01'), seg('FR', 'US', '2026-01-05')] }), '--as-of', '2026-01-10']);
    expect(r.out).not.toMatch(/Warnings/);
  });
});

describe('--trips: the list of stays', () => {
  test('text: one line per stay, transit and planned marked, and the stays of each country add up to its days', async () => {
    const r = await run(['report', TRAVELLER, '--as-of', AS_OF, '--trips']);
    expect(r.err).toBe('');
    const lines = section(r.out, /^Stays/);
    expect(lines[0]).toBe('Stays (30: 26 up to 2026-06-15, 1 transit, 3 planned; the day of a border crossing counts in both countries)');
    expect(lines[1]).toMatch(/^ {2}country +from +to +days$/);
    expect(lines).toEqual(
      expect.arrayContaining([
        '  DE Germany                   2024-03-02  2024-03-02      1  transit: airside, not counted',
        '  GR Greece                    2024-03-02  2024-03-20     19',
        '  US United States             2026-05-10  2026-06-15     37',
        '  US United States             2026-06-16  2026-07-01     16  planned',
        '  FR France                    2026-07-02  2026-08-20     50  planned',
      ]),
    );
    const table = parseTable(r.out).rows;
    const sums: Record<string, number> = {};
    for (const l of lines.slice(2)) {
      const m = /^ {2}([A-Z]{2}) .* (\d{4}-\d\d-\d\d) {2}(\d{4}-\d\d-\d\d) +(\d+)(.*)$/.exec(l)!;
      expect(m).not.toBeNull();
      if (m[5] === '') sums[m[1]!] = (sums[m[1]!] ?? 0) + Number(m[4]);
    }
    expect(sums).toEqual(Object.fromEntries(Object.entries(table).map(([c, row]) => [c, row.total])));
  });

  test('--json --trips adds "stays"; without --trips the JSON is unchanged', async () => {
    const withTrips = JSON.parse((await run(['report', TRAVELLER, '--as-of', AS_OF, '--trips', '--json'])).out);
    const without = JSON.parse((await run(['report', TRAVELLER, '--as-of', AS_OF, '--json'])).out);
    expect(without.stays).toBeUndefined();
    const { stays, ...rest } = withTrips;
    expect(rest).toEqual(without);
    expect(stays).toHaveLength(30);
    expect(stays[0]).toEqual({ country: 'US', from: '2017-06-10', to: '2017-06-10', days: 1, transit: false, planned: false });
    expect(stays.filter((s: { transit: boolean }) => s.transit)).toEqual([
      { country: 'DE', from: '2024-03-02', to: '2024-03-02', days: 1, transit: true, planned: false },
    ]);
  });
});

describe('--csv FILE: days per country per year to FILE, the stays to FILE-stays.csv', () => {
  const parse = (text: string): string[][] => parseCsv(text, { bom: true, record_delimiter: '\r\n' });

  test('both files: a byte-order mark, CRLF, every year a column, rows adding up; stays marked counted or not', async () => {
    const out = path.join(dir, 'days.csv');
    const r = await run(['report', TRAVELLER, '--as-of', AS_OF, '--csv', out]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`travel-days: wrote ${out} (days per country per year)\ntravel-days: wrote ${path.join(dir, 'days-stays.csv')} (stays)\n`);
    const daysText = fs.readFileSync(out, 'utf8');
    expect(daysText.startsWith('\ufeffcountry,name,total,2017,')).toBe(true);
    expect(daysText).toMatch(/\r\n$/);
    const days = parse(daysText);
    expect(days[0]).toEqual(['country', 'name', 'total', ...Array.from({ length: 10 }, (_, i) => String(2017 + i))]);
    expect(days.find((row) => row[0] === 'GB')).toEqual(['GB', 'United Kingdom', '24', '14', '0', '0', '0', '0', '0', '0', '10', '0', '0']);
    for (const row of days.slice(1)) expect(row.slice(3).reduce((n, c) => n + Number(c), 0)).toBe(Number(row[2]));
    const json = JSON.parse((await run(['report', TRAVELLER, '--as-of', AS_OF, '--json'])).out);
    expect(Object.fromEntries(days.slice(1).map((row) => [row[0], Number(row[2])]))).toEqual(json.countryDays);

    const stays = parse(fs.readFileSync(path.join(dir, 'days-stays.csv'), 'utf8'));
    expect(stays[0]).toEqual(['country', 'name', 'from', 'to', 'days', 'counted', 'note']);
    expect(stays).toContainEqual(['DE', 'Germany', '2024-03-02', '2024-03-02', '1', 'no', 'transit: airside, not counted']);
    expect(stays).toContainEqual(['FR', 'France', '2026-07-02', '2026-08-20', '50', 'no', 'planned']);
    const counted: Record<string, number> = {};
    for (const row of stays.slice(1)) if (row[5] === 'yes') counted[row[0]!] = (counted[row[0]!] ?? 0) + Number(row[4]);
    expect(counted).toEqual(json.countryDays);
  });

  test.each([
    ['a name without .csv', 'export', 'export-stays.csv'],
    ['an upper-case extension', 'EXPORT.CSV', 'EXPORT-stays.CSV'],
  ])('%s: %s -> %s', async (_n, name, sibling) => {
    const r = await run(['report', TRAVELLER, '--as-of', AS_OF, '--csv', path.join(dir, name)]);
    expect(r.code).toBe(0);
    expect(fs.existsSync(path.join(dir, sibling))).toBe(true);
  });

  test('a name with a comma is quoted; a value that starts like a formula is defused', async () => {
    const { csvStays } = await import('@travel-time-tracker/cli/render/csv');
    const text = csvStays([{ country: 'XK', from: '2026-01-01', to: '2026-01-02', days: 2, transit: false, planned: false }], {
      countryName: () => '=HYPERLINK("x"), a place',
    } as never);
    expect(text.split('\r\n')[1]).toBe(`XK,"'=HYPERLINK(""x""), a place",2026-01-01,2026-01-02,2,yes,`);
  });
});

describe('output files: bad paths are refused before anything is read or written', () => {
  test.each<{ name: string; args: (input: string) => string[]; code: number; message: RegExp }>([
    { name: '--csv without a file name', args: () => ['--csv'], code: 2, message: /Option '--csv <value>' argument missing/ },
    {
      name: '--csv onto the input file',
      args: (f) => ['--csv', f],
      code: 2,
      message: /--csv ".*generic-traveller\.csv" is the input file; choose another name/,
    },
    { name: '--html onto the input file', args: (f) => ['--html', f], code: 2, message: /--html ".*" is the input file/ },
    {
      name: '--html onto the CSV stays file',
      args: () => ['--csv', path.join(dir, 'x.csv'), '--html', path.join(dir, 'x-stays.csv')],
      code: 2,
      message: /--html ".*x-stays\.csv" is also the file of --csv \(stays\)/,
    },
    {
      name: '--csv into a folder that does not exist',
      args: () => ['--csv', path.join(dir, 'missing', 'x.csv')],
      code: 1,
      message: /cannot write .*missing\/x\.csv: its folder does not exist$/m,
    },
  ])('$name -> exit $code', async ({ args, code, message }) => {
    const input = TRAVELLER;
    const before = fs.readFileSync(input, 'utf8');
    const r = await run(['report', input, '--as-of', AS_OF, ...args(input)]);
    expect(r.code).toBe(code);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(fs.readFileSync(input, 'utf8')).toBe(before);
  });
});

describe('--html FILE: one self-contained page', () => {
  const render = async (input: string, asOf: string, name: string) => {
    const out = path.join(dir, name);
    const r = await run(['report', input, '--as-of', asOf, '--html', out]);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`travel-days: wrote ${out} (report page)\n`);
    // Dates in sentences are <time> elements (kept on one line); the checks below read the sentences as text.
    return fs.readFileSync(out, 'utf8').replace(/<time datetime="(\d{4}-\d\d-\d\d)">\1<\/time>/g, '$1');
  };
  /** Attributes of the first element of `tag` with `cls` in `html`. */
  const attrs = (html: string, tag: string, cls: string) => {
    const m = new RegExp(`<${tag} class="${cls}"([^>]*)>`).exec(html);
    expect(m).not.toBeNull();
    return Object.fromEntries([...m![1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
  };

  test('status in words, the chart with the 90-day line and today, the table; nothing fetched from anywhere', async () => {
    const html = await render(TRAVELLER, AS_OF, 'traveller.html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // No network: no URL, no script, no external style sheet, image or font; url() only for the SVG pattern.
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<script|<link|<img|<iframe|@import|@font-face|src=/i);
    expect([...html.matchAll(/url\(([^)]*)\)/g)].map((m) => m[1])).toEqual(['#planned-hatch-schengen-90-180']);

    expect(html).toContain('<p class="verdict ok">39 of 90 days used in the Schengen area in the 180 days from 2025-12-18 to 2026-06-15: 51 days left.</p>');
    expect(html).toContain('<p>Staying in the Schengen area from 2026-06-15 on, you must leave by 2026-06-15 to keep the planned trips within the limit.</p>');

    const svg = attrs(html, 'svg', 'chart');
    // Two years up to today, then 30 days past the planned trip's last day (2026-08-20).
    expect([svg['data-from'], svg['data-to']]).toEqual(['2024-06-16', '2026-09-19']);
    // Recorded peak: exactly at the limit on 2024-08-25, Germany (transit)/Greece/France 03-02..04-05 (35) and
    // Portugal 07-02..08-25 (55). The plans reach 89 (Denmark 39 + France 50 up to 2026-08-20), below it.
    expect([svg['data-peak-recorded'], svg['data-peak-total'], svg['data-peak-after-today']]).toEqual(['90', '90', '89']);
    expect(html).toMatch(/<desc [^>]*>Recorded presence peaks at 90 days, recorded and planned together at 90; 39 on 2026-06-15; the limit is 90\.<\/desc>/);
    const limit = attrs(html, 'line', 'limit-line');
    expect(limit['data-days']).toBe('90');
    expect(limit.y1).toBe(limit.y2);
    const today = attrs(html, 'line', 'today-marker');
    expect(today['data-date']).toBe(AS_OF);
    expect(Number(today.x1)).toBeGreaterThan(Number(limit.x1));
    expect(Number(today.x1)).toBeLessThan(Number(limit.x2));
    expect(html).toContain('class="planned-area"');
    expect(html).toContain('>today 2026-06-15: 39</text>');

    expect(html).toMatch(
      /<tr><td>GB United Kingdom<\/td><td>24<\/td><td class="earlier">14<\/td><td><\/td><td><\/td><td><\/td><td>10<\/td><td><\/td><td><\/td><\/tr>/,
    );
    expect(html).toContain('1 gap: a segment departs from a country other than where the previous one arrived, so a trip is missing');
  });

  test.each([
    {
      name: 'over the limit now',
      segments: [seg('US', 'FR', '2026-01-01'), seg('FR', 'US', '2026-04-10')],
      asOf: '2026-04-10',
      verdict:
        '<p class="verdict over">Over the limit: 100 days in the Schengen area in the 180 days from 2025-10-13 to 2026-04-10, 10 more than the 90 allowed.</p>',
      // France from 01-01: day 91 is 04-01; one day is allowed again once 01-01..01-11 left the period (07-10).
      also: [
        '<p>The rule was broken on 2026-04-01: more than 90 days in the 180 days up to that date.</p>',
        'The next date you may enter for a day is 2026-07-10.',
      ],
    },
    {
      name: 'planned trips that break the rule',
      segments: [seg('US', 'FR', '2026-05-01'), seg('FR', 'US', '2026-08-10')],
      asOf: '2026-04-10',
      verdict: '<p class="verdict over">0 of 90 days used in the Schengen area in the 180 days from 2025-10-13 to 2026-04-10: 90 days left.</p>',
      also: ['<p>The planned trips would break the rule on 2026-07-30.</p>', 'would break the rule, given the planned trips.'],
    },
  ])('$name', async ({ segments, asOf, verdict, also }) => {
    const html = await render(write(`${asOf}-${segments.length}.json`, { segments }), asOf, `${segments[1]!.departureDate}.html`);
    expect(html).toContain(verdict);
    for (const text of also) expect(html).toContain(text);
  });

  test('without plans the latest exit date is simply the days left (no mention of planned trips)', async () => {
    const html = await render(write('simple.json', { segments: [seg('US', 'FR', '2026-03-01'), seg('FR', 'US', '2026-03-10')] }), '2026-03-20', 'simple.html');
    // 10 days used, 80 left: present every day from 03-20, the 80th day is 06-07.
    expect(html).toContain('<p>Staying in the Schengen area from 2026-03-20 on, you must leave by 2026-06-07.</p>');
    expect(html).not.toContain('class="planned-area"');
  });

  test('text from the input is escaped: a file name with markup in it', async () => {
    const html = await render(write('<b>&"x".json', { segments: [seg('US', 'FR', '2026-01-01')] }), '2026-01-05', 'escaped.html');
    expect(html).toContain('&#60;b&#62;&#38;&#34;x&#34;.json');
    expect(html).not.toContain('<b>');
  });
});
