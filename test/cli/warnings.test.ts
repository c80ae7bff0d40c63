/**
 * groupWarnings: every kind of warning the core and the import produce, produced for real (computePresence
 * through evaluateTravel, importFlights on a small CSV), lands in its own group with a count, short examples
 * and a fix; nothing the core says ends up in "other". A change of wording in the core fails here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { addDays } from '@travel-time-tracker/core/dates';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { importFlights } from '@travel-time-tracker/import';
import { computePresence } from '@travel-time-tracker/core/presence';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { groupWarnings } from '@travel-time-tracker/cli/render/warnings';

const FIXTURES = path.resolve(__dirname, '../fixtures/import');

function s(id: string, from: string, to: string, dep: string, arr = dep, extra: Partial<IdentifiedSegment> = {}): IdentifiedSegment {
  return { id, departureCountry: from, arrivalCountry: to, departureDate: dep, arrivalDate: arr, mode: 'flight', ...extra };
}

const coreWarnings = (segments: IdentifiedSegment[]) => evaluateTravel(segments, { asOf: '2026-06-01' }).warnings;
const importWarnings = async (csv: string) => (await importFlights(Readable.from([csv]), { importDate: '2026-06-01' })).warnings;
const GENERIC = 'date,from,to,departure_time,arrival_time,flight_number,notes\n';

describe('each kind the core or the import produces has its group', () => {
  test.each<{ kind: string; warnings: () => Promise<string[]> | string[]; count: number; example: RegExp }>([
    {
      kind: 'gap',
      warnings: () => coreWarnings([s('a', 'US', 'FR', '2026-01-01'), s('b', 'DE', 'US', '2026-01-10')]),
      count: 1,
      example: /^missing between FR \(arrived 2026-01-01, "a"\) and DE \(departs 2026-01-10, "b"\)$/,
    },
    {
      kind: 'overlap',
      warnings: () => coreWarnings([s('a', 'US', 'FR', '2026-01-01', '2026-01-03'), s('b', 'FR', 'US', '2026-01-02')]),
      count: 1,
      example: /^"b" FR -> US departs 2026-01-02, before "a" US -> FR arrived 2026-01-03$/,
    },
    {
      kind: 'arrival-before-departure',
      // The segment schema refuses this (evaluateTravel validates first); presence still words it.
      warnings: () => computePresence([s('a', 'US', 'FR', '2026-01-05', '2026-01-02')], '2026-06-01', loadReferenceData()).warnings,
      count: 1,
      example: /^"a" US 2026-01-05 -> FR 2026-01-02$/,
    },
    {
      kind: 'transit-without-onward',
      warnings: () => coreWarnings([s('a', 'US', 'DE', '2026-01-05', '2026-01-05', { transit: true })]),
      count: 1,
      example: /^"a" US 2026-01-05 -> DE 2026-01-05$/,
    },
    {
      kind: 'unknown-country',
      warnings: () => coreWarnings([s('a', 'US', 'QQ', '2026-01-05'), s('b', 'QQ', 'US', '2026-01-09')]),
      count: 1,
      example: /unknown country code QQ in segment\(s\) "a" \(2026-01-05\), "b" \(2026-01-09\)/,
    },
    {
      kind: 'assumed-arrival',
      warnings: () => importWarnings(`${GENERIC}2026-01-05,JFK,FRA,,,,\n`),
      count: 1,
      example: /^row 2$/,
    },
    {
      kind: 'euroairport',
      warnings: () => importWarnings(`${GENERIC}2026-01-05,BSL,LHR,10:00,10:30,,\n`),
      count: 1,
      example: /^row 2$/,
    },
    {
      kind: 'times',
      warnings: () =>
        importWarnings(
          'date,from,to,departure_time,arrival_date,arrival_time\n2026-01-05,JFK,LHR,10:00,2026-01-05,11:00\n2026-01-15,JFK,LHR,10:00,2026-01-15,17:00\n',
        ),
      count: 2,
      example: /^row 2: arrival 2026-01-05 11:00 \(LHR\) is not after departure/,
    },
    {
      kind: 'not-stored',
      warnings: () => importWarnings(`${GENERIC}2026-01-05,CDG,LHR,10:00,10:30,,=cmd|calc\n`),
      count: 1,
      example: /^row 2: note '=cmd\|calc' was not stored/,
    },
    {
      kind: 'row',
      warnings: async () => (await importFlights(fs.createReadStream(path.join(FIXTURES, 'flighty.csv')), { importDate: '2026-06-01' })).warnings,
      count: 1,
      example: /^row 4: diverted from EWR to BOS/,
    },
  ])('$kind', async ({ kind, warnings, count, example }) => {
    const groups = groupWarnings(await warnings());
    const group = groups.find((g) => g.kind === kind);
    expect(groups.filter((g) => g.kind === 'other')).toEqual([]);
    expect(group).toBeDefined();
    expect(group!.count).toBe(count);
    expect(group!.title).toMatch(new RegExp(`^${count} \\S`));
    expect(group!.examples[0]).toMatch(example);
    expect(group!.fix.length).toBeGreaterThan(10);
  });
});

describe('counts, examples and order', () => {
  test('20 gaps and 2 overlaps: two groups, gaps first, 3 examples each, counts add up', () => {
    const segments: IdentifiedSegment[] = [];
    for (let i = 0; i < 20; i++) {
      const day = `2025-${String(1 + Math.floor(i / 2)).padStart(2, '0')}-${i % 2 ? '20' : '05'}`;
      segments.push(s(`g${String(i).padStart(2, '0')}`, i % 2 ? 'DE' : 'US', 'FR', day));
    }
    const warnings = coreWarnings(segments);
    const groups = groupWarnings([...warnings, 'overlap: x', 'something new the core will say one day']);
    expect(groups.map((g) => [g.kind, g.count, g.examples.length])).toEqual([
      ['gap', 19, 3],
      ['other', 2, 2],
    ]);
    expect(groups[0]!.title).toBe('19 gaps: a segment departs from a country other than where the previous one arrived, so a trip is missing');
    expect(groups[1]!.examples).toEqual(['overlap: x', 'something new the core will say one day']);
    expect(groups.reduce((n, g) => n + g.count, 0)).toBe(warnings.length + 2);
  });

  test("the import's '… and N more row warnings' is counted, not shown as an example", async () => {
    // 205 shuttle flights Paris <-> London, each with a formula in its note: 200 listed, 5 only counted.
    const rows = Array.from({ length: 205 }, (_, i) => `${addDays('2025-01-01', i)},${i % 2 ? 'LHR,CDG' : 'CDG,LHR'},10:00,12:30,,=x${i}`);
    const warnings = await importWarnings(`${GENERIC}${rows.join('\n')}\n`);
    expect(warnings.at(-1)).toBe('… and 5 more row warnings');
    const groups = groupWarnings(warnings);
    expect(groups.map((g) => [g.kind, g.count, g.examples.length])).toEqual([
      ['not-stored', 200, 3],
      ['unlisted', 5, 0],
    ]);
  });

  test('no warnings, no groups', () => {
    expect(groupWarnings([])).toEqual([]);
  });
});
