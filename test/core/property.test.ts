/**
 * Property-based tests: the engine against the naive day-by-day reference (naiveReference.ts) on random
 * itineraries across Schengen states, non-Schengen EU states (IE, CY), microstates (MC, SM, VA, AD), countries
 * whose membership starts inside the generated span (HR 2023-01-01, BG/RO 2024-03-31), an unknown code,
 * transits, date-line arrivals, gaps and trips after asOf; every rule output and the country days are compared.
 * Rule parameters are 90/180 and small random N/M pairs (small periods hit the boundaries far more often).
 */
import fc from 'fast-check';
import { addDays, fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { planTrips } from '@travel-time-tracker/core/planning';
import type { VisaRule } from '@travel-time-tracker/core/referenceData';
import { evaluateRollingWindow } from '@travel-time-tracker/core/rules/rollingWindow';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { mergeIntervals } from '@travel-time-tracker/core/intervals';
import { naiveCausedViolation, naiveCountryDays, naiveIsMember, naivePresence, naiveRegionDays, naiveRule, toNaive } from './naiveReference';

const COUNTRIES = ['FR', 'DE', 'ES', 'HR', 'BG', 'RO', 'IE', 'CY', 'MC', 'SM', 'VA', 'AD', 'US', 'GB', 'TR', 'CH', 'LI', 'AX', 'ZZ'];
const TIMES = ['06:00', '11:00', '16:00', '21:00'];

function rule(maxDays: number, periodDays: number, region = 'SCHENGEN'): VisaRule {
  return {
    id: `test-${maxDays}-${periodDays}`,
    name: 'test rule',
    description: 'test',
    kind: 'rolling-window',
    params: { maxDays, periodDays },
    region,
    exemptNationalityRegions: ['EU', 'EEA'],
    exemptNationalities: ['CH'],
    implementation: 'core/rules/rollingWindow',
    source: 'test',
  };
}

const paramsArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ maxDays: 90, periodDays: 180 }) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 1, max: 12 })
      .chain((maxDays) => fc.integer({ min: maxDays + 1, max: 3 * maxDays + 3 }).map((periodDays) => ({ maxDays, periodDays }))),
  },
);

const stepArb = (scale: number) =>
  fc.record({
    gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: scale })),
    dur: fc.constantFrom(-1, 0, 0, 0, 0, 1, 1),
    to: fc.constantFrom(...COUNTRIES),
    transit: fc.integer({ min: 0, max: 99 }).map((n) => n < 15),
    from: fc.option(fc.constantFrom(...COUNTRIES), { freq: 12 }),
  });

interface Scenario {
  params: { maxDays: number; periodDays: number };
  region: string;
  segments: IdentifiedSegment[];
  asOf: string;
}

/** Builds non-overlapping segments in time order (times break same-date ties). */
function build(start: string, steps: { gap: number; dur: number; to: string; transit: boolean; from: string | null }[]): IdentifiedSegment[] {
  const out: IdentifiedSegment[] = [];
  let cur = 'US';
  let prevDep = toDayNumber(start);
  let prevArr = prevDep;
  let sameDay = 0;
  steps.forEach((st, i) => {
    let dep = Math.max(prevDep, prevArr) + (i === 0 ? 0 : st.gap);
    if (i > 0 && dep === prevDep) {
      sameDay += 1;
      if (sameDay >= TIMES.length) {
        dep += 1;
        sameDay = 0;
      }
    } else sameDay = 0;
    const arr = dep + st.dur;
    out.push({
      id: `seg-${String(i).padStart(3, '0')}`,
      departureCountry: st.from ?? cur,
      arrivalCountry: st.to,
      departureDate: fromDayNumber(dep),
      arrivalDate: fromDayNumber(arr),
      departureTime: TIMES[sameDay],
      mode: 'flight',
      ...(st.transit ? { transit: true } : {}),
    });
    cur = st.to;
    prevDep = dep;
    prevArr = arr;
  });
  return out;
}

const scenarioArb: fc.Arbitrary<Scenario> = paramsArb.chain((params) => {
  const scale = params.periodDays >= 180 ? 60 : Math.max(2, Math.ceil(params.periodDays / 2));
  const maxSteps = params.periodDays >= 180 ? 40 : 25;
  return fc
    .record({
      startOffset: fc.integer({ min: 0, max: 900 }),
      steps: fc.array(stepArb(scale), { minLength: 1, maxLength: maxSteps }),
      asOfFrac: fc.double({ min: -0.1, max: 1.2, noNaN: true }),
      region: fc.constantFrom('SCHENGEN', 'SCHENGEN', 'SCHENGEN', 'EU'),
    })
    .map(({ startOffset, steps, asOfFrac, region }) => {
      const start = addDays('2022-06-01', startOffset);
      const segments = build(start, steps);
      const first = toDayNumber(segments[0]!.departureDate);
      const last = Math.max(...segments.map((s) => toDayNumber(s.arrivalDate)));
      const asOf = fromDayNumber(first + Math.round((last - first + 10) * asOfFrac));
      return { params, region, segments, asOf };
    });
});

describe('engine vs naive reference on random itineraries', () => {
  test('all rule outputs and country days agree (400 itineraries)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.boolean(), ({ params, region, segments, asOf }, shuffle) => {
        const input = shuffle ? [...segments].reverse() : segments;
        const r = rule(params.maxDays, params.periodDays, region);
        const result = evaluateTravel(input, { asOf, rules: [r] });
        const np = naivePresence(segments.map(toNaive), asOf);
        const expectedRule = naiveRule(naiveRegionDays(np, region), asOf, params.maxDays, params.periodDays);
        expect(result.rules[0]).toEqual({ ruleId: r.id, applies: true, reason: null, permitDaysExcluded: 0, exemptDaysExcluded: 0, ...expectedRule });
        const cd = naiveCountryDays(np, asOf);
        expect(result.countryDays).toEqual(cd.countryDays);
        expect(result.countryDaysByYear).toEqual(cd.countryDaysByYear);
      }),
      { numRuns: 400 },
    );
  });

  test('rule engine on arbitrary day sets agrees with the naive definitions (500 sets)', () => {
    const arb = paramsArb.chain(({ maxDays, periodDays }) =>
      fc.record({
        maxDays: fc.constant(maxDays),
        periodDays: fc.constant(periodDays),
        days: fc.uniqueArray(fc.integer({ min: 0, max: 3 * periodDays }), { maxLength: 3 * periodDays }),
        asOf: fc.integer({ min: -periodDays, max: 4 * periodDays }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ maxDays, periodDays, days, asOf }) => {
        const base = toDayNumber('2030-01-01');
        const P = new Set(days.map((d) => base + d));
        const intervals = mergeIntervals([...P].map((d) => ({ start: d, end: d })));
        const got = evaluateRollingWindow(intervals, base + asOf, { maxDays, periodDays });
        const want = naiveRule(P, fromDayNumber(base + asOf), maxDays, periodDays);
        const f = (d: number | null) => (d === null ? null : fromDayNumber(d));
        expect({
          daysUsed: got.daysUsed,
          daysRemaining: got.daysRemaining,
          overstayDays: got.overstayDays,
          windowStart: fromDayNumber(got.windowStart),
          windowEnd: fromDayNumber(got.windowEnd),
          latestExitDate: f(got.latestExit),
          nextEntryDate: f(got.nextEntry),
          firstViolationDate: f(got.firstViolation),
          currentStayStart: f(got.currentStayStart),
        }).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  test('planTrips agrees with the naive plan check and shift search (150 plans)', () => {
    const planArb = fc.record({
      scenario: scenarioArb.filter((s) => s.params.periodDays < 180),
      stays: fc.array(
        fc.record({ country: fc.constantFrom('FR', 'HR', 'IE', 'US', 'BG'), offset: fc.integer({ min: -5, max: 40 }), len: fc.integer({ min: 0, max: 20 }) }),
        { minLength: 1, maxLength: 3 },
      ),
    });
    fc.assert(
      fc.property(planArb, ({ scenario, stays }) => {
        const { params, region, segments, asOf } = scenario;
        const E = toDayNumber(asOf);
        const planned = stays.map((s) => ({ country: s.country, entryDate: fromDayNumber(E + s.offset), exitDate: fromDayNumber(E + s.offset + s.len) }));
        const [got] = planTrips(segments, planned, { asOf, rules: [rule(params.maxDays, params.periodDays, region)] });

        const base = naiveRegionDays(naivePresence(segments.map(toNaive), asOf), region);
        const planDays = (shift: number) => {
          const set = new Set<number>();
          for (const s of planned) {
            for (let d = toDayNumber(s.entryDate) + shift; d <= toDayNumber(s.exitDate) + shift; d++) {
              if (naiveIsMember(s.country, region, fromDayNumber(d))) set.add(d);
            }
          }
          return set;
        };
        const violation = naiveCausedViolation(base, planDays(0), params.maxDays, params.periodDays);
        expect(got!.complies).toBe(violation === null);
        expect(got!.firstViolationDate).toBe(violation === null ? null : fromDayNumber(violation));
        const firstEntry = Math.min(...planned.map((s) => toDayNumber(s.entryDate)));
        let earliest: string | null = null;
        const maxBase = base.size ? Math.max(...base) : firstEntry;
        for (let k = 0; k <= Math.max(0, maxBase - firstEntry) + 3 * params.periodDays + 20; k++) {
          if (naiveCausedViolation(base, planDays(k), params.maxDays, params.periodDays) === null) {
            earliest = fromDayNumber(firstEntry + k);
            break;
          }
        }
        expect(got!.earliestCompliantEntryDate).toBe(earliest);

        // Latest exit for the first planned entry into the region, the other stays counted as presence.
        const all = planDays(0);
        if (all.size === 0) expect(got!.latestExitDate).toBeNull();
        else {
          const entry = Math.min(...all);
          const order = planned
            .map((p, i) => ({ p, i }))
            .sort((a, b) => a.p.entryDate.localeCompare(b.p.entryDate) || a.p.exitDate.localeCompare(b.p.exitDate));
          const first = order.find(
            ({ p }) => toDayNumber(p.entryDate) <= entry && entry <= toDayNumber(p.exitDate) && naiveIsMember(p.country, region, fromDayNumber(entry)),
          )!.i;
          const P = new Set(base);
          planned.forEach((s, i) => {
            if (i === first) return;
            for (let d = toDayNumber(s.entryDate); d <= toDayNumber(s.exitDate); d++) if (naiveIsMember(s.country, region, fromDayNumber(d))) P.add(d);
          });
          expect(got!.latestExitDate).toBe(naiveRule(P, fromDayNumber(entry), params.maxDays, params.periodDays).latestExitDate);
        }
      }),
      { numRuns: 150 },
    );
  });
});
