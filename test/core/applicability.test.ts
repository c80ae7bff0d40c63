/**
 * Who the Schengen short-stay rule binds, and which days it leaves out, on worked examples derived from the legal
 * text (no authority publishes dated examples for permits):
 * - Regulation (EU) 2016/399 (Schengen Borders Code) Art. 6(1) (90 days in any 180-day period) and 6(2) ("Periods
 *   of stay authorised under a residence permit or a long-stay visa shall not be taken into account");
 * - Convention implementing the Schengen Agreement Art. 21(1), (2a): a permit or D visa holder moves in the OTHER
 *   member states for up to 90 days in any 180-day period, so those days still count;
 * - Directive 2004/38/EC and the EEA / EU-Swiss agreements: EU, EEA and Swiss nationals are not subject to Art. 6.
 * Each row names the traveller's days by hand; the engine must give the same numbers.
 */
import { permitCover, ResidencePermitSchema, type ResidencePermit } from '@travel-time-tracker/core/applicability';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { subtractIntervals } from '@travel-time-tracker/core/intervals';
import { planTrips } from '@travel-time-tracker/core/planning';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';

let n = 0;
const seg = (from: string, to: string, date: string): IdentifiedSegment => ({
  id: `s${++n}`,
  departureCountry: from,
  arrivalCountry: to,
  departureDate: date,
  arrivalDate: date,
  mode: 'flight',
});
const permit = (country: string, validFrom: string, validTo: string, kind: ResidencePermit['kind'] = 'residence-permit'): ResidencePermit => ({
  country,
  validFrom,
  validTo,
  kind,
});

// Arrives in France from the US on 2024-01-01 and lives there; one trip to Germany 2024-03-10 .. 2024-03-20.
const LIVES_IN_FRANCE = [seg('US', 'FR', '2024-01-01'), seg('FR', 'DE', '2024-03-10'), seg('DE', 'FR', '2024-03-20')];

describe('residence permits and long-stay visas (Art. 6(2))', () => {
  test.each([
    {
      name: 'no permit: every day in France and Germany counts (92 days 2024-01-01..04-01, over the limit)',
      permits: [],
      asOf: '2024-04-01',
      want: { daysUsed: 92, overstayDays: 2, permitDaysExcluded: 0 },
    },
    {
      name: 'French permit for 2024: only the 11 days in Germany count (10 and 20 March, travel days, count there)',
      permits: [permit('FR', '2024-01-01', '2024-12-31')],
      asOf: '2024-04-01',
      want: { daysUsed: 11, overstayDays: 0, permitDaysExcluded: 81 },
    },
    {
      name: 'French long-stay (D) visa: the same as a permit',
      permits: [permit('FR', '2024-01-01', '2024-12-31', 'long-stay-visa')],
      asOf: '2024-04-01',
      want: { daysUsed: 11, overstayDays: 0, permitDaysExcluded: 81 },
    },
    {
      name: 'German permit: France counts (presence in the issuing state only is left out); the 9 whole days in Germany do not',
      permits: [permit('DE', '2024-01-01', '2024-12-31')],
      // FR 01-01..03-10 (70) and 03-20..04-01 (13) = 83; DE 03-11..03-19 (9) left out (10th and 20th are also FR days).
      asOf: '2024-04-01',
      want: { daysUsed: 83, overstayDays: 0, permitDaysExcluded: 9 },
    },
    {
      name: 'permit valid from 2024-02-01: January in France counts (31 days) and Germany (11)',
      permits: [permit('FR', '2024-02-01', '2025-01-31')],
      asOf: '2024-04-01',
      want: { daysUsed: 42, overstayDays: 0, permitDaysExcluded: 50 },
    },
    {
      name: 'permit expired on 2024-02-29: January and February in France are left out (60), from 03-01 France counts again (03-01..04-01, 32)',
      permits: [permit('FR', '2023-03-01', '2024-02-29')],
      asOf: '2024-04-01',
      want: { daysUsed: 32, overstayDays: 0, permitDaysExcluded: 60 },
    },
    {
      name: 'a permit of a state outside the Schengen area (GB) changes nothing',
      permits: [permit('GB', '2020-01-01', '2030-12-31')],
      asOf: '2024-04-01',
      want: { daysUsed: 92, overstayDays: 2, permitDaysExcluded: 0 },
    },
  ])('$name', ({ permits, asOf, want }) => {
    const r = evaluateTravel(LIVES_IN_FRANCE, { asOf, nationalities: ['US'], residencePermits: permits }).rules[0]!;
    expect(r).toMatchObject({ applies: true, reason: null, ...want });
    // Days per country are presence, not the rule: a permit never changes them.
    expect(evaluateTravel(LIVES_IN_FRANCE, { asOf, residencePermits: permits }).countryDays).toEqual(evaluateTravel(LIVES_IN_FRANCE, { asOf }).countryDays);
  });

  test('a renewal back to back continues the cover; overlapping permits of one state merge', () => {
    const cover = permitCover([permit('FR', '2024-01-01', '2024-06-30'), permit('FR', '2024-07-01', '2025-06-30'), permit('FR', '2025-01-01', '2025-12-31')]);
    expect(cover.get('FR')).toHaveLength(1);
  });

  test('planning: a planned stay in the permit state is free, one elsewhere counts', () => {
    const stays = [{ country: 'FR', entryDate: '2024-05-01', exitDate: '2024-12-31' }];
    const withPermit = planTrips(LIVES_IN_FRANCE, stays, { asOf: '2024-04-01', residencePermits: [permit('FR', '2024-01-01', '2024-12-31')] })[0]!;
    expect(withPermit).toMatchObject({ applies: true, complies: true, firstViolationDate: null });
    const inSpain = planTrips(LIVES_IN_FRANCE, [{ country: 'ES', entryDate: '2024-05-01', exitDate: '2024-08-31' }], {
      asOf: '2024-04-01',
      residencePermits: [permit('FR', '2024-01-01', '2024-12-31')],
    })[0]!;
    // 11 days in Germany in March + 80 in Spain from 05-01: the 80th Spanish day (07-19) is the 91st day.
    expect(inSpain).toMatchObject({ complies: false, firstViolationDate: '2024-07-19' });
  });

  test.each([
    [{ country: 'fr', validFrom: '2024-01-01', validTo: '2024-12-31', kind: 'residence-permit' }, /country/],
    [{ country: 'FR', validFrom: '2024-02-30', validTo: '2024-12-31', kind: 'residence-permit' }, /validFrom/],
    [
      { country: 'FR', validFrom: '2024-12-31', validTo: '2024-01-01', kind: 'residence-permit' },
      /validTo.*must not be before validFrom|must not be before validFrom/,
    ],
    [{ country: 'FR', validFrom: '2024-01-01', validTo: '2024-12-31', kind: 'visa' }, /kind/],
    [{ country: 'FR', validFrom: '2024-01-01', validTo: '2024-12-31' }, /kind/],
  ])('invalid permit %j is refused naming the field', (value, message) => {
    const r = ResidencePermitSchema.safeParse(value);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });
});

describe('exempt nationalities', () => {
  test.each([
    { nationalities: ['FR'], applies: false, reason: /France \(FR\) is a member of the European Union/ },
    { nationalities: ['NO'], applies: false, reason: /\(NO\) is a member of the European Economic Area/ },
    { nationalities: ['CH'], applies: false, reason: /\(CH\) nationals are exempt/ },
    { nationalities: ['US', 'IE'], applies: false, reason: /\(IE\) is a member of the European Union/ },
    { nationalities: ['US'], applies: true, reason: null },
    { nationalities: [], applies: true, reason: null },
  ])('$nationalities -> applies $applies', ({ nationalities, applies, reason }) => {
    const r = evaluateTravel(LIVES_IN_FRANCE, { asOf: '2024-04-01', nationalities }).rules[0]!;
    expect(r.applies).toBe(applies);
    if (reason === null) expect(r.reason).toBeNull();
    else expect(r.reason).toMatch(reason);
    // An exempt traveller's days are never counted; they are reported as left out (exempt every day here).
    expect([r.daysUsed, r.exemptDaysExcluded]).toEqual(applies ? [92, 0] : [0, 92]);
  });
});

describe('subtractIntervals', () => {
  test.each([
    {
      a: [{ start: 1, end: 10 }],
      b: [{ start: 3, end: 4 }],
      want: [
        { start: 1, end: 2 },
        { start: 5, end: 10 },
      ],
    },
    { a: [{ start: 1, end: 10 }], b: [{ start: 0, end: 20 }], want: [] },
    {
      a: [
        { start: 1, end: 3 },
        { start: 7, end: 9 },
      ],
      b: [{ start: 3, end: 7 }],
      want: [
        { start: 1, end: 2 },
        { start: 8, end: 9 },
      ],
    },
    { a: [{ start: 5, end: 6 }], b: [], want: [{ start: 5, end: 6 }] },
    {
      a: [{ start: 1, end: 10 }],
      b: [
        { start: 1, end: 1 },
        { start: 10, end: 10 },
      ],
      want: [{ start: 2, end: 9 }],
    },
  ])('$a - $b', ({ a, b, want }) => {
    expect(subtractIntervals(a, b)).toEqual(want);
  });

  test('against a day-by-day reference', () => {
    for (let seed = 1; seed < 200; seed++) {
      let x = seed;
      const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) % 60;
      const set = () => {
        const days = new Set<number>();
        for (let i = 0; i < 8; i++) {
          const s = rnd();
          for (let d = s; d < s + (rnd() % 6); d++) days.add(d);
        }
        return days;
      };
      const toIntervals = (days: Set<number>) => {
        const sorted = [...days].sort((p, q) => p - q);
        const out: { start: number; end: number }[] = [];
        for (const d of sorted) {
          const last = out[out.length - 1];
          if (last && d === last.end + 1) last.end = d;
          else out.push({ start: d, end: d });
        }
        return out;
      };
      const a = set();
      const b = set();
      expect(subtractIntervals(toIntervals(a), toIntervals(b))).toEqual(toIntervals(new Set([...a].filter((d) => !b.has(d)))));
    }
  });
});
