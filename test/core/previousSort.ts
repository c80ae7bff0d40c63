/**
 * The continuity repair of {@link sortSegments} as it was before it became near-linear (commit fd675ca), kept verbatim
 * as the oracle of the ordering tests: it scans every segment of the date for every segment, so it is quadratic
 * when many segments share a date, but its answers define "the same order as before".
 */
import { fromDayNumber, parseDayNumber } from '@travel-time-tracker/core/dates';
import { compareSegments } from '@travel-time-tracker/core/sorting';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';

export function previousSortSegments<S extends IdentifiedSegment>(segments: readonly S[]): S[] {
  const base = [...segments].sort(compareSegments);
  const n = base.length;
  const out: S[] = [];
  const taken = new Uint8Array(n);
  let i = 0;
  let cur: string | undefined;
  while (out.length < n) {
    while (taken[i]) i++;
    const h = base[i]!;
    let pick = i;
    if (h.departureCountry !== cur) {
      const hDep = h.departureDate;
      const lastDate = addDaysFast(hDep, 1);
      const cands: number[] = [];
      let k = i + 1;
      for (; k < n && base[k]!.departureDate <= lastDate; k++) {
        const x = base[k]!;
        if (!taken[k] && (x.departureDate === hDep || x.arrivalDate <= hDep)) cands.push(k);
      }
      const lands = (country: string, except: number) => {
        for (let q = i; q < k; q++) if (q !== except && !taken[q] && base[q]!.arrivalCountry === country) return true;
        return false;
      };
      if (cur !== undefined) pick = firstStepOfChain(base, cands, cur, h.departureCountry) ?? i;
      else if (lands(h.departureCountry, i)) pick = cands.find((j) => !lands(base[j]!.departureCountry, j)) ?? i;
    }
    taken[pick] = 1;
    const s = base[pick]!;
    out.push(s);
    cur = s.arrivalCountry;
  }
  return out;
}

/**
 * Breadth-first search over the segments `cands` (indices into `base`, in order) as edges between countries:
 * the index of the first segment of the shortest chain from `from` to `to`, or undefined when there is none.
 */
function firstStepOfChain(base: readonly IdentifiedSegment[], cands: readonly number[], from: string, to: string): number | undefined {
  const firstStep = new Map<string, number>();
  let frontier = [from];
  const seen = new Set([from]);
  while (frontier.length) {
    const next: string[] = [];
    for (const country of frontier) {
      for (const j of cands) {
        const x = base[j]!;
        if (x.departureCountry !== country || seen.has(x.arrivalCountry)) continue;
        const step = country === from ? j : firstStep.get(country)!;
        if (x.arrivalCountry === to) return step;
        seen.add(x.arrivalCountry);
        firstStep.set(x.arrivalCountry, step);
        next.push(x.arrivalCountry);
      }
    }
    frontier = next;
  }
  return undefined;
}

/** `YYYY-MM-DD` one day after `date` (the sort runs on raw strings; an invalid date compares as itself). */
function addDaysFast(date: string, days: number): string {
  const d = parseDayNumber(date);
  return Number.isNaN(d) ? date : fromDayNumber(d + days);
}
