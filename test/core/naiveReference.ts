/**
 * A deliberately naive, day-by-day reference implementation of presence, country days, the rolling-window rule
 * and trip planning, written straight from the definitions in the assignment and the docstrings, sharing no
 * code with the engine except dates.ts. It reads the seed JSON itself. Slow on purpose: sets of day numbers,
 * every window recounted from scratch, every candidate date tried independently (no monotonicity assumed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';

export interface NaiveSegment {
  id: string;
  departureCountry: string;
  arrivalCountry: string;
  departureDate: string;
  arrivalDate: string;
  departureTime?: string;
  transit?: boolean;
}

interface RawMembership {
  region: string;
  from: string;
  to: string | null;
}
const seed = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../seed/countries.json'), 'utf8')) as {
  countries: { iso2: string; memberships: RawMembership[] }[];
};

/** The naive reference's view of an engine segment (the fields presence reads), for the property tests. */
export function toNaive(s: NaiveSegment & Record<string, unknown>): NaiveSegment {
  return {
    id: s.id,
    departureCountry: s.departureCountry,
    arrivalCountry: s.arrivalCountry,
    departureDate: s.departureDate,
    arrivalDate: s.arrivalDate,
    departureTime: s.departureTime,
    transit: s.transit,
  };
}

export function naiveIsMember(iso2: string, region: string, date: string): boolean {
  const c = seed.countries.find((x) => x.iso2 === iso2);
  if (!c) return false;
  return c.memberships.some((m) => m.region === region && m.from <= date && (m.to === null || date <= m.to));
}

/**
 * True when a traveller of `nationalities` is exempt on `date` from a rule exempting the members of
 * `exemptRegions` (on that date) and the nationals of `exemptNationalities`: read day by day from the seed.
 */
export function naiveExemptOn(
  nationalities: readonly string[],
  exemptRegions: readonly string[],
  exemptNationalities: readonly string[],
  date: string,
): boolean {
  return nationalities.some((n) => exemptNationalities.includes(n) || exemptRegions.some((r) => naiveIsMember(n, r, date)));
}

export function naiveSort(segments: readonly NaiveSegment[]): NaiveSegment[] {
  const key = (s: NaiveSegment): [string, string, string, string] => [s.departureDate, s.departureTime ?? '~', s.arrivalDate, s.id];
  let rest = [...segments].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < 4; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
  // Continuity repair ({@link sortSegments}'s docstring), by brute force: when the next segment does not
  // continue from the last arrival, try every chain of same-date candidates, shortest first and in sort order,
  // from the last arrival to where the next segment departs; at the very start take a chain head instead.
  const out: NaiveSegment[] = [];
  while (rest.length) {
    const h = rest[0]!;
    const cur = out.length ? out[out.length - 1]!.arrivalCountry : undefined;
    let pick = h;
    if (h.departureCountry !== cur) {
      const next = fromDayNumber(toDayNumber(h.departureDate) + 1);
      const near = rest.filter((y) => y.departureDate <= next);
      const cands = near.filter((x) => x !== h && (x.departureDate === h.departureDate || x.arrivalDate <= h.departureDate));
      const landsIn = (country: string, except: NaiveSegment) => near.some((y) => y !== except && y.arrivalCountry === country);
      if (cur === undefined) {
        if (landsIn(h.departureCountry, h)) pick = cands.find((x) => !landsIn(x.departureCountry, x)) ?? h;
      } else {
        const chain = naiveShortestChain(cands, cur, h.departureCountry);
        if (chain) pick = chain[0]!;
      }
    }
    out.push(pick);
    rest = rest.filter((x) => x !== pick);
  }
  return out;
}

/** The first (in list order) shortest chain of distinct segments from `from` to `to` visiting no country twice. */
function naiveShortestChain(cands: readonly NaiveSegment[], from: string, to: string): NaiveSegment[] | undefined {
  for (let len = 1; len <= cands.length; len++) {
    const found = extend([], [from], len);
    if (found) return found;
  }
  return undefined;
  function extend(path: NaiveSegment[], visited: string[], len: number): NaiveSegment[] | undefined {
    const here = visited[visited.length - 1]!;
    if (path.length === len) return here === to ? path : undefined;
    for (const x of cands) {
      if (x.departureCountry !== here || path.includes(x) || visited.includes(x.arrivalCountry)) continue;
      const r = extend([...path, x], [...visited, x.arrivalCountry], len);
      if (r) return r;
    }
    return undefined;
  }
}

export interface NaivePresence {
  /** country -> set of YYYY-MM-DD */
  byCountry: Map<string, Set<string>>;
  /** region days from transits, computed per region on demand */
  transits: { country: string; from: string; to: string; inboundFrom: string; inboundDep: string; onwardTo: string; onwardArr: string }[];
}

function addRange(map: Map<string, Set<string>>, country: string, from: string, to: string): void {
  const set = map.get(country) ?? new Set<string>();
  map.set(country, set);
  let d = from;
  set.add(d);
  while (d < to) {
    d = fromDayNumber(toDayNumber(d) + 1);
    set.add(d);
  }
}

export function naivePresence(
  segments: readonly NaiveSegment[],
  asOf: string,
  stays: readonly { country: string; entryDate: string; exitDate: string }[] = [],
): NaivePresence {
  const s = naiveSort(segments);
  const byCountry = new Map<string, Set<string>>();
  const transits: NaivePresence['transits'] = [];
  for (let i = 0; i < s.length; i++) {
    const seg = s[i]!;
    const prev = s[i - 1];
    const next = s[i + 1];
    if (!(prev && prev.transit && prev.arrivalCountry === seg.departureCountry)) {
      addRange(byCountry, seg.departureCountry, seg.departureDate, seg.departureDate);
    }
    if (seg.transit && next) {
      transits.push({
        country: seg.arrivalCountry,
        from: seg.arrivalDate,
        to: next.departureDate > seg.arrivalDate ? next.departureDate : seg.arrivalDate,
        inboundFrom: seg.departureCountry,
        inboundDep: seg.departureDate,
        onwardTo: next.arrivalCountry,
        onwardArr: next.arrivalDate,
      });
      continue;
    }
    let to: string;
    if (next) to = next.departureDate > seg.arrivalDate ? next.departureDate : seg.arrivalDate;
    else to = seg.arrivalDate <= asOf ? asOf : seg.arrivalDate;
    addRange(byCountry, seg.arrivalCountry, seg.arrivalDate, to);
  }
  for (const st of stays) addRange(byCountry, st.country, st.entryDate, st.exitDate);
  return { byCountry, transits };
}

export function naiveRegionDays(p: NaivePresence, region: string): Set<number> {
  const out = new Set<number>();
  for (const [country, dates] of p.byCountry) for (const d of dates) if (naiveIsMember(country, region, d)) out.add(toDayNumber(d));
  for (const t of p.transits) {
    const touches = naiveIsMember(t.inboundFrom, region, t.inboundDep) || naiveIsMember(t.onwardTo, region, t.onwardArr);
    if (!touches) continue;
    for (let d = toDayNumber(t.from); d <= toDayNumber(t.to); d++) if (naiveIsMember(t.country, region, fromDayNumber(d))) out.add(d);
  }
  return out;
}

export function naiveCountryDays(p: NaivePresence, asOf: string) {
  const countryDays: Record<string, number> = {};
  const countryDaysByYear: Record<string, Record<string, number>> = {};
  for (const [country, dates] of p.byCountry) {
    for (const d of dates) {
      if (d > asOf) continue;
      countryDays[country] = (countryDays[country] ?? 0) + 1;
      const y = d.slice(0, 4);
      const row = (countryDaysByYear[y] ??= {});
      row[country] = (row[country] ?? 0) + 1;
    }
  }
  return { countryDays, countryDaysByYear };
}

function windowCount(P: Set<number>, d: number, T: number): number {
  let n = 0;
  for (let x = d - T + 1; x <= d; x++) if (P.has(x)) n++;
  return n;
}

export interface NaiveRule {
  daysUsed: number;
  daysRemaining: number;
  overstayDays: number;
  windowStart: string;
  windowEnd: string;
  latestExitDate: string | null;
  nextEntryDate: string | null;
  firstViolationDate: string | null;
  currentStayStart: string | null;
}

/** True when `added` (days not in P) keeps each of `check` days within M and pushes no later day of P over. */
function extensionOk(P: Set<number>, added: number[], checkOwn: number[], M: number, T: number): boolean {
  const P2 = new Set(P);
  for (const a of added) P2.add(a);
  for (const d of checkOwn) if (windowCount(P2, d, T) > M) return false;
  const lastOwn = Math.max(...checkOwn);
  for (const q of P) {
    if (q <= lastOwn) continue;
    if (windowCount(P, q, T) <= M && windowCount(P2, q, T) > M) return false;
  }
  return true;
}

export function naiveRule(P: Set<number>, asOf: string, M: number, T: number): NaiveRule {
  const E = toDayNumber(asOf);
  const daysUsed = windowCount(P, E, T);
  const sorted = [...P].sort((a, b) => a - b);
  let firstViolation: number | null = null;
  for (const q of sorted) {
    if (windowCount(P, q, T) > M) {
      firstViolation = q;
      break;
    }
  }
  let currentStayStart: number | null = null;
  if (P.has(E)) {
    let d = E;
    while (P.has(d - 1)) d--;
    currentStayStart = d;
  }
  let latestExit: number | null = null;
  for (let X = E; X <= E + M + 1; X++) {
    const range: number[] = [];
    for (let d = E; d <= X; d++) range.push(d);
    if (
      extensionOk(
        P,
        range.filter((d) => !P.has(d)),
        range,
        M,
        T,
      )
    )
      latestExit = X;
  }
  let nextEntry: number | null = null;
  const maxP = sorted.length ? sorted[sorted.length - 1]! : E;
  for (let N = E; N <= Math.max(E, maxP) + T + 1; N++) {
    if (P.has(N)) continue;
    if (extensionOk(P, [N], [N], M, T)) {
      nextEntry = N;
      break;
    }
  }
  const f = (d: number | null) => (d === null ? null : fromDayNumber(d));
  return {
    daysUsed,
    daysRemaining: Math.max(0, M - daysUsed),
    overstayDays: Math.max(0, daysUsed - M),
    windowStart: fromDayNumber(E - T + 1),
    windowEnd: asOf,
    latestExitDate: f(latestExit),
    nextEntryDate: f(nextEntry),
    firstViolationDate: f(firstViolation),
    currentStayStart: f(currentStayStart),
  };
}

/** Earliest day the plan days put over the limit (plan day over it, or a base day within it pushed over). */
export function naiveCausedViolation(base: Set<number>, plan: Set<number>, M: number, T: number): number | null {
  const all = new Set([...base, ...plan]);
  const days = [...all].sort((a, b) => a - b);
  for (const d of days) {
    if (windowCount(all, d, T) <= M) continue;
    if (base.has(d) ? windowCount(base, d, T) <= M : true) return d;
  }
  return null;
}
