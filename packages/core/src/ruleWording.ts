/**
 * The words the `report` command's rule section and the push alerts' messages both use about a rule: where it
 * counts days, its limit, and the sentences of each kind ("12 days left in this visit", "you will reach 183 days in
 * the United Kingdom tax year on 2026-11-02"). One place, so that the two never say the same thing differently.
 *
 * Plain English, no Firebase, no Node.js. Dates are passed in as the caller shows them (the report's `YYYY-MM-DD`,
 * the alert's "Monday 2 November 2026"). The tax kinds' sentences say what the rule counts, never what it means for
 * someone's taxes (`DAY_COUNT_ONLY`).
 */
import type { z } from 'zod';
import type { CountingConvention, ReferenceData, RuleDefinition } from './referenceData';
import type { AssumptionSchema } from './ruleResultSchemas';

/**
 * `1 day`, `12 days`.
 * @example
 * days(1) //=> '1 day'
 * days(12) //=> '12 days'
 */
export function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

/** Region ids of the seed in a sentence. */
const REGION_WORDS: Readonly<Record<string, string>> = { SCHENGEN: 'the Schengen area', EU: 'the European Union', EEA: 'the European Economic Area' };

/**
 * Why a national of a region's member is exempt, as the verb phrase after the country's name: membership of the Union,
 * the EEA or the Schengen area, or, for the United Kingdom in 2020, free movement kept through the transition period
 * of the Withdrawal Agreement (Art. 126-127: to 2020-12-31).
 * @example
 * membershipPhrase('EU') //=> 'is a member of the European Union'
 * membershipPhrase('EU_TRANSITION') //=> 'kept free movement in the European Union until the end of the withdrawal transition period (2020-12-31)'
 * membershipPhrase('XYZ') //=> 'is a member of region XYZ'
 */
export function membershipPhrase(region: string): string {
  if (region === 'EU_TRANSITION') return 'kept free movement in the European Union until the end of the withdrawal transition period (2020-12-31)';
  return `is a member of ${REGION_WORDS[region] ?? `region ${region}`}`;
}

/** What `placeOf` needs of a rule: its region, or its countries. */
export type RulePlace = Pick<RuleDefinition, 'region' | 'countries'>;

/**
 * The territory of a rule as a name: a region's words (`the Schengen area`), or the first country's English short
 * name with the other countries' codes (`United States (with PR, VI, GU, MP)`, `United Kingdom`); the code itself
 * when `ref` does not know the country.
 * @example
 * const reference = loadReferenceData()
 * placeOf({ region: 'SCHENGEN' }, reference) //=> 'the Schengen area'
 * placeOf({ countries: ['US', 'PR', 'VI'] }, reference) //=> 'United States (with PR, VI)'
 * placeOf({ countries: ['GB'] }, undefined) //=> 'GB'
 */
export function placeOf(def: RulePlace, ref: Pick<ReferenceData, 'countryName'> | undefined): string {
  if (def.region !== undefined) return REGION_WORDS[def.region] ?? `region ${def.region}`;
  const [first, ...rest] = def.countries ?? [];
  if (first === undefined) return 'its countries';
  const name = ref?.countryName(first) ?? first;
  return rest.length ? `${name} (with ${rest.join(', ')})` : name;
}

/** English short names that take "the" in a sentence (`in the United Kingdom`, `to the Netherlands`). */
const NAMES_WITH_THE =
  /^(United |Dominican Republic$|Central African Republic$|Netherlands$|Bahamas$|Philippines$|Maldives$|Gambia$|Comoros$|Seychelles$)|Islands$/;

/**
 * `placeOf` as a sentence needs it after "in" or "to": with "the" before names that take it (`the United Kingdom`,
 * `the Netherlands`, `the Cayman Islands`; not `Japan`, `Türkiye`). A region's words have their article already.
 * @example
 * const reference = loadReferenceData()
 * placeInSentence({ countries: ['GB'] }, reference) //=> 'the United Kingdom'
 * placeInSentence({ countries: ['JP'] }, reference) //=> 'Japan'
 */
export function placeInSentence(def: RulePlace, ref: Pick<ReferenceData, 'countryName'> | undefined): string {
  const place = placeOf(def, ref);
  if (place.startsWith('the ')) return place;
  return NAMES_WITH_THE.test(place.replace(/ \(with .*\)$/, '')) ? `the ${place}` : place;
}

/**
 * A per-stay limit: `90 days` or `6 months`.
 * @example
 * perStayLimit(loadReferenceData().definition('uk-visitor-6-months')) //=> '6 months'
 */
export function perStayLimit(def: Extract<RuleDefinition, { kind: 'per-stay' }>): string {
  return def.params.maxStayDays !== undefined ? days(def.params.maxStayDays) : `${def.params.maxStayMonths} months`;
}

/**
 * How a tax-year rule counts a day, as the report's header says it.
 * @example
 * conventionWords('midnight') //=> 'a day counted when there at midnight'
 */
export function conventionWords(convention: CountingConvention): string {
  return convention === 'midnight' ? 'a day counted when there at midnight' : 'any part of a day counted';
}

/**
 * A rule's limit in words: `90 days in any 180-day period`, `at most 6 months per visit`, `at least 183 days in a
 * tax year`, `at least 31 days this year and 183 weighted days over 3 years`.
 * @example
 * const reference = loadReferenceData()
 * limitOf(reference.definition('schengen-90-180')) //=> '90 days in any 180-day period'
 * limitOf(reference.definition('us-substantial-presence')) //=> 'at least 31 days this year and 183 weighted days over 3 years'
 */
export function limitOf(def: RuleDefinition): string {
  switch (def.kind) {
    case 'rolling-window':
      return `${def.params.maxDays} days in any ${def.params.periodDays}-day period`;
    case 'per-stay':
      return `at most ${perStayLimit(def)} per visit`;
    case 'tax-year-presence':
      return `at least ${def.params.minDays} days in a tax year`;
    case 'weighted-lookback':
      return `at least ${def.params.minDaysCurrentYear} days this year and ${def.params.threshold} weighted days over ${def.params.weights.length} years`;
  }
}

// ---- per-stay ----

/**
 * `12 days left in this visit`.
 * @example
 * daysLeftInVisit(12) //=> '12 days left in this visit'
 */
export function daysLeftInVisit(n: number): string {
  return `${days(n)} left in this visit`;
}

/**
 * `3 days over the limit of this visit`.
 * @example
 * overVisitLimit(1) //=> '1 day over the limit of this visit'
 */
export function overVisitLimit(n: number): string {
  return `${days(n)} over the limit of this visit`;
}

// ---- tax-year-presence ----

/**
 * `you will reach 183 days in the United Kingdom tax year on 2026-11-02` (`place`: {@link placeOf}).
 * @example
 * willReach(183, 'United Kingdom', '2026-11-02') //=> 'you will reach 183 days in the United Kingdom tax year on 2026-11-02'
 */
export function willReach(threshold: number, place: string, date: string): string {
  return `you will reach ${threshold} days in ${place.startsWith('the ') ? place : `the ${place}`} tax year on ${date}`;
}

/**
 * `183 days reached on 2026-11-02`.
 * @example
 * reachedOn(183, '2026-11-02') //=> '183 days reached on 2026-11-02'
 */
export function reachedOn(threshold: number, date: string): string {
  return `${threshold} days reached on ${date}`;
}

/**
 * `60 days short of 183`.
 * @example
 * daysShortOf(60, 183) //=> '60 days short of 183'
 */
export function daysShortOf(remaining: number, threshold: number): string {
  return `${remaining} days short of ${threshold}`;
}

// ---- weighted-lookback ----

/**
 * `101 weighted days of 183`.
 * @example
 * weightedDaysOf('101', 183) //=> '101 weighted days of 183'
 */
export function weightedDaysOf(display: string, threshold: number): string {
  return `${display} weighted days of ${threshold}`;
}

/**
 * `82 more days this year would meet it`.
 * @example
 * moreDaysWouldMeet(82) //=> '82 more days this year would meet it'
 */
export function moreDaysWouldMeet(n: number): string {
  return `${n} more days this year would meet it`;
}

/**
 * `will be met on 2026-08-01`.
 * @example
 * willBeMetOn('2026-08-01') //=> 'will be met on 2026-08-01'
 */
export function willBeMetOn(date: string): string {
  return `will be met on ${date}`;
}

/**
 * The sentence the tax kinds' alerts end with: the app counts days; whether someone is resident for tax depends on
 * more than a day count (the statutory residence test's other tests, the substantial presence test's exceptions).
 */
export const DAY_COUNT_ONLY = 'This is a count of days, not tax advice: residence for tax depends on more than this count.';

/**
 * A country code as a name in a sentence ("in the Netherlands", "from France"): the reference data's English short
 * name with "the" where it takes it ({@link placeInSentence}); the code itself when `ref` does not know it.
 * @example
 * const reference = loadReferenceData()
 * countryInSentence('NL', reference) //=> 'the Netherlands'
 * countryInSentence('FR', reference) //=> 'France'
 * countryInSentence('XX', reference) //=> 'XX'
 */
export function countryInSentence(code: string, ref: Pick<ReferenceData, 'countryName'> | undefined): string {
  return placeInSentence({ countries: [code] }, ref);
}

/**
 * The sentence that says a figure rests on days no record supports (a rule result's `assumption`, when its
 * `dependsOnAssumption`): the open end after the last record (for a traveller who logs as they go, the current
 * stay) or a gap between an arrival and a departure from another country. `date` shows a `YYYY-MM-DD` date as the
 * caller does; `null`: the deciding days are not one gap's.
 * @example
 * const reference = loadReferenceData()
 * const openEnd = { kind: 'open-end', country: 'FR', from: '2026-07-24', to: '2026-09-01', assumedDays: 39, nextCountry: null, decidingDays: 39 }
 * assumptionSentence(openEnd, reference, (d) => d)
 * //=> 'Based on 39 assumed days in France since your last recorded trip (arrival on 2026-07-24): if you have left since, add that trip.'
 * const gap = { kind: 'gap', country: 'NL', from: '2017-03-27', to: '2017-07-27', assumedDays: 121, nextCountry: 'GB', decidingDays: 90 }
 * assumptionSentence(gap, reference, (d) => d)
 * //=> 'Based on 121 assumed days in the Netherlands between your arrival there on 2017-03-27 and your next recorded trip, from the United Kingdom on 2017-07-27: add the trips between them.'
 * assumptionSentence(null, reference, (d) => d)
 * //=> 'Based on days counted where no trip is recorded: add any missing trips.'
 */
export function assumptionSentence(
  a: z.infer<typeof AssumptionSchema> | null | undefined,
  ref: Pick<ReferenceData, 'countryName'> | undefined,
  date: (iso: string) => string,
): string {
  if (!a) return 'Based on days counted where no trip is recorded: add any missing trips.';
  const n = `${a.assumedDays} assumed day${a.assumedDays === 1 ? '' : 's'}`;
  const where = countryInSentence(a.country, ref);
  if (a.kind === 'open-end') {
    return `Based on ${n} in ${where} since your last recorded trip (arrival on ${date(a.from)}): if you have left since, add that trip.`;
  }
  const next = a.nextCountry ? `, from ${countryInSentence(a.nextCountry, ref)} on` : ' on';
  return `Based on ${n} in ${where} between your arrival there on ${date(a.from)} and your next recorded trip${next} ${date(a.to)}: add the trips between them.`;
}

/**
 * The sentence with its first letter upper case.
 * @example
 * capitalized(daysLeftInVisit(12)) //=> '12 days left in this visit'
 * capitalized(willBeMetOn('2026-08-01')) //=> 'Will be met on 2026-08-01'
 */
export function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
