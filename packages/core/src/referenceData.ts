/**
 * Reference data of the day-counting core: the ISO 3166-1 countries with their dated region memberships
 * (`seed/countries.json`) and the visa rules (`seed/visaRules.json`), both in the repository's top-level seed/
 * folder. The JSON is imported as a module, so the type checker, jest and the bundler resolve it at
 * build time and nothing reads a file or guesses a folder at run time; validated with zod on first use, cached.
 * See seed/README.md for the fields and their sources.
 */
import { z } from 'zod';
import countriesJson from '../../../seed/countries.json';
import visaRulesJson from '../../../seed/visaRules.json';
import { CountryCodeSchema, IsoDateSchema } from './segment';
import { isYearStart, toDayNumber, type IsoDate } from './dates';
import { parseOrThrow } from './validation';

/** Region identifier used by memberships and rules (`SCHENGEN`, `EU`, `EEA`). */
export const RegionIdSchema = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: 'must be an upper-case region id such as "SCHENGEN"' });

/**
 * One dated membership of a country in a region. `from` and `to` are inclusive calendar dates (`to: null` =
 * still a member). For Schengen, `from` is the first day without internal border controls.
 */
export const MembershipSchema = z
  .strictObject({
    region: RegionIdSchema,
    from: IsoDateSchema,
    to: IsoDateSchema.nullable(),
    source: z.string().min(1),
  })
  .refine((m) => m.to === null || m.to >= m.from, { message: 'must not be before from', path: ['to'] });
export type Membership = z.infer<typeof MembershipSchema>;

/** One ISO 3166-1 country. `userAssigned` marks codes outside the standard's official list (XK, Kosovo). */
export const CountrySchema = z.strictObject({
  iso2: CountryCodeSchema,
  iso3: z.string().regex(/^[A-Z]{3}$/, { message: 'must be an ISO 3166-1 alpha-3 code' }),
  numeric: z.string().regex(/^\d{3}$/, { message: 'must be a 3-digit ISO 3166-1 numeric code' }),
  name: z.string().min(1),
  userAssigned: z.boolean().optional(),
  memberships: z.array(MembershipSchema),
});
export type Country = z.infer<typeof CountrySchema>;

/** `seed/countries.json`. */
export const CountriesFileSchema = z.strictObject({
  source: z.string().min(1),
  generated: IsoDateSchema.optional(),
  countries: z.array(CountrySchema).min(1),
});

/** A rule id (a row of seed/visaRules.json): lower-case letters, digits and hyphens, at most 64 characters. */
export const RuleIdSchema = z
  .string()
  .max(64)
  .regex(/^[a-z0-9-]+$/, { message: 'must be a lower-case id such as "schengen-90-180"' });
const RollingWindowParamsSchema = z.strictObject({ maxDays: z.number().int().min(1), periodDays: z.number().int().min(2).max(3660) });
const maxBelowPeriod = {
  check: (r: { params: { maxDays: number; periodDays: number } }) => r.params.maxDays < r.params.periodDays,
  error: { message: 'must be smaller than periodDays', path: ['params', 'maxDays'] },
};

/**
 * How presence days are counted: `any-part-of-day` (a day counts when the traveller is in the place at any
 * time of it, arrival and departure dates included: {@link computePresence}) or `midnight` (only when there at
 * the end of the day: {@link midnightPresence}, the UK statutory residence test).
 */
export const CountingConventionSchema = z.enum(['any-part-of-day', 'midnight'], { message: 'must be "any-part-of-day" or "midnight"' });
const AnyPartOfDay = z.literal('any-part-of-day', { message: 'must be "any-part-of-day" (the only counting convention of this kind)' });
export type CountingConvention = z.infer<typeof CountingConventionSchema>;

/**
 * A data-driven "at most `maxDays` days of presence in `region` in any `periodDays`-day period" rule, over a
 * region: the shape {@link evaluateTravel} evaluates today. The period of a control date D is
 * [D - periodDays + 1, D]. `maxDays < periodDays` (otherwise the rule can never be broken and "latest exit"
 * would be unbounded). `convention`, when given, must be `any-part-of-day` (the only one the engine uses).
 */
export const VisaRuleSchema = z
  .strictObject({
    id: RuleIdSchema,
    name: z.string().min(1),
    description: z.string().min(1),
    kind: z.literal('rolling-window'),
    params: RollingWindowParamsSchema,
    region: RegionIdSchema,
    convention: AnyPartOfDay.optional(),
    exemptNationalityRegions: z.array(RegionIdSchema),
    exemptNationalities: z.array(CountryCodeSchema),
    /**
     * True when periods of stay under a residence permit or long-stay visa of a member state are not counted
     * (Schengen: Regulation (EU) 2016/399 Art. 6(2)): see {@link permitCover}.
     */
    residencePermitsExcluded: z.boolean().optional(),
    implementation: z.string().min(1),
    source: z.string().min(1),
  })
  .refine(maxBelowPeriod.check, maxBelowPeriod.error);
export type VisaRule = z.infer<typeof VisaRuleSchema>;

/** `MM-DD`, the first day of a yearly period (tax year): a real month and day, not 02-29. */
export const YearStartSchema = z.string().refine(isYearStart, {
  message: 'must be a month and day written MM-DD, such as "04-06" (29 February is not allowed)',
});

/** "1", "1/3": a non-negative integer or integer fraction with a positive denominator. */
export const FractionSchema = z.string().regex(/^\d+(\/[1-9]\d*)?$/, { message: 'must be a fraction such as "1" or "1/3"' });

/**
 * Fields every rule row has besides `kind` and `params`:
 * - where it counts: exactly one of `region` (a region of countries.json, membership dated) or `countries`
 *   (ISO 3166-1 alpha-2 codes whose presence days count together);
 * - who it binds: it does not apply to nationals of a member of `exemptNationalityRegions` (on the evaluation
 *   date) or of `exemptNationalities`; when `appliesToNationalities` is given it applies only to those;
 *   `appliesToNote` says in words who it binds; `appliesToListSource` and `appliesToListDate` name the page or act
 *   `appliesToNationalities` was copied from and the date it is current to (the US Visa Waiver Program, Japan's
 *   and Türkiye's visa-exemption lists; every seed row with a list has both);
 * - `implementation` (the core module) and `source` (the statute, regulation or official page).
 */
const ruleFields = {
  id: RuleIdSchema,
  name: z.string().min(1),
  description: z.string().min(1),
  region: RegionIdSchema.optional(),
  countries: z.array(CountryCodeSchema).min(1).optional(),
  exemptNationalityRegions: z.array(RegionIdSchema),
  exemptNationalities: z.array(CountryCodeSchema),
  appliesToNationalities: z.array(CountryCodeSchema).min(1).optional(),
  appliesToNote: z.string().min(1).optional(),
  appliesToListSource: z.string().min(1).optional(),
  appliesToListDate: IsoDateSchema.optional(),
  /** Stays under a residence permit or long-stay visa of the state are not counted (see VisaRuleSchema). */
  residencePermitsExcluded: z.boolean().optional(),
  source: z.string().min(1),
};
const oneScope = {
  check: (r: { region?: string; countries?: string[] }) => (r.region === undefined) !== (r.countries === undefined),
  error: { message: 'a rule needs exactly one of region or countries', path: ['region'] },
};

/** `rolling-window` ({@link evaluateRollingWindow}): at most `maxDays` days in any `periodDays`-day period. */
export const RollingWindowRuleSchema = z
  .strictObject({
    ...ruleFields,
    kind: z.literal('rolling-window'),
    params: RollingWindowParamsSchema,
    convention: AnyPartOfDay.optional(),
    implementation: z.literal('core/rules/rollingWindow'),
  })
  .refine(maxBelowPeriod.check, maxBelowPeriod.error)
  .refine(oneScope.check, oneScope.error);

/**
 * `per-stay` ({@link evaluatePerStay}): one continuous stay lasts at most `maxStayDays` days or `maxStayMonths`
 * calendar months (exactly one). `continuesThrough`: countries whose visit does not end the stay when the
 * traveller returns within the permitted period (US VWP: contiguous territory and adjacent islands).
 */
export const PerStayRuleSchema = z
  .strictObject({
    ...ruleFields,
    kind: z.literal('per-stay'),
    params: z
      .strictObject({
        maxStayDays: z.number().int().min(1).max(3660).optional(),
        maxStayMonths: z.number().int().min(1).max(120).optional(),
        continuesThrough: z.array(CountryCodeSchema).optional(),
      })
      .refine((p) => (p.maxStayDays === undefined) !== (p.maxStayMonths === undefined), { message: 'needs exactly one of maxStayDays or maxStayMonths' }),
    convention: AnyPartOfDay,
    implementation: z.literal('core/rules/perStay'),
  })
  .refine(oneScope.check, oneScope.error);

/**
 * `tax-year-presence` ({@link evaluateTaxYearPresence}): at least `minDays` days in a tax year starting every year on
 * `taxYearStart` (`MM-DD`), days counted under `convention`; `transitException` (only with `midnight`): the
 * UK's Finance Act 2013 Sch. 45 para 22(3) transit days do not count.
 */
export const TaxYearPresenceRuleSchema = z
  .strictObject({
    ...ruleFields,
    kind: z.literal('tax-year-presence'),
    params: z.strictObject({
      minDays: z.number().int().min(1).max(366),
      taxYearStart: YearStartSchema,
      transitException: z.boolean().optional(),
    }),
    convention: CountingConventionSchema,
    implementation: z.literal('core/rules/taxYearPresence'),
  })
  .refine(oneScope.check, oneScope.error)

  .refine((r) => r.params.transitException === undefined || r.convention === 'midnight', {
    message: 'only applies to the midnight convention',
    path: ['params', 'transitException'],
  });

/**
 * `weighted-lookback` ({@link evaluateWeightedLookback}): at least `minDaysCurrentYear` days in the current year and
 * at least `threshold` weighted days, `weights` current year first (US: "1", "1/3", "1/6"), years starting on
 * `yearStart` (`MM-DD`).
 */
export const WeightedLookbackRuleSchema = z
  .strictObject({
    ...ruleFields,
    kind: z.literal('weighted-lookback'),
    params: z.strictObject({
      minDaysCurrentYear: z.number().int().min(1).max(366),
      threshold: z.number().int().min(1).max(1098),
      weights: z.array(FractionSchema).min(1).max(10),
      yearStart: YearStartSchema,
    }),
    convention: AnyPartOfDay,
    implementation: z.literal('core/rules/weightedLookback'),
  })
  .refine(oneScope.check, oneScope.error)

  .refine((r) => !/^0+(\/|$)/.test(r.params.weights[0] ?? '1'), { message: "the current year's weight must be above zero", path: ['params', 'weights', 0] });

/** One row of seed/visaRules.json, discriminated by `kind`. */
export const RuleDefinitionSchema = z.discriminatedUnion('kind', [
  RollingWindowRuleSchema,
  PerStayRuleSchema,
  TaxYearPresenceRuleSchema,
  WeightedLookbackRuleSchema,
]);
export type RuleDefinition = z.infer<typeof RuleDefinitionSchema>;
export type RuleKind = RuleDefinition['kind'];

/** `seed/visaRules.json`. */
export const VisaRulesFileSchema = z.strictObject({ rules: z.array(RuleDefinitionSchema).min(1) });

/** An inclusive range of day numbers (see {@link toDayNumber}). */
export interface DayInterval {
  start: number;
  end: number;
}

/** Validated, indexed reference data. All dates are local calendar dates `YYYY-MM-DD` or day numbers. */
export interface ReferenceData {
  readonly countries: ReadonlyMap<string, Country>;
  /**
   * The rules evaluateTravel, planTrips, the status documents and the alerts use for every traveller today:
   * the `rolling-window` rows over a `region` (the Schengen rule). Rows of the other kinds and rows over
   * `countries` are in `definitions` only, evaluated only for a traveller whose profile's `trackedRules` names them.
   */
  readonly rules: readonly VisaRule[];
  /** Every row of seed/visaRules.json, of every kind, in file order. */
  readonly definitions: readonly RuleDefinition[];
  /** True when `iso2` is in the seed (officially assigned ISO 3166-1 codes plus XK). */
  countryExists(iso2: string): boolean;
  /** English short name, or undefined for an unknown code. */
  countryName(iso2: string): string | undefined;
  /** True when `iso2` belongs to `region` on `date` (an ISO date or a day number). Unknown codes: false. */
  isMember(iso2: string, region: string, date: IsoDate | number): boolean;
  /** Sorted, disjoint inclusive day-number intervals of membership (`to: null` ends at +Infinity). */
  membershipIntervals(iso2: string, region: string): readonly DayInterval[];
  /** The rule of `rules` with this id, or undefined. */
  rule(id: string): VisaRule | undefined;
  /** The row of `definitions` with this id, or undefined. */
  definition(id: string): RuleDefinition | undefined;
}

const NO_INTERVALS: readonly DayInterval[] = Object.freeze([]);

/**
 * Builds reference data from already-parsed JSON (tests inject tables here).
 * @throws ValidationError naming the offending field (e.g. `countries[3].memberships[0].from ...`); Error for
 *   a duplicate code or rule id, an unknown region or country code in a rule, or a rolling-window rule over a
 *   region that uses `appliesToNationalities`/`appliesToNote` (today's evaluateTravel applies such rules to
 *   every non-exempt traveller and would ignore them).
 * @example
 * const countries = {
 *   source: 'example',
 *   countries: [
 *     { iso2: 'FR', iso3: 'FRA', numeric: '250', name: 'France', memberships: [{ region: 'SCHENGEN', from: '1995-03-26', to: null, source: 'CISA' }] },
 *     { iso2: 'GB', iso3: 'GBR', numeric: '826', name: 'United Kingdom', memberships: [] },
 *   ],
 * }
 * const rule = {
 *   id: 'short-stay', name: 'Short stay', description: '90 days in any 180', kind: 'rolling-window',
 *   params: { maxDays: 90, periodDays: 180 }, region: 'SCHENGEN', exemptNationalityRegions: [], exemptNationalities: [],
 *   implementation: 'core/rules/rollingWindow', source: 'Regulation (EU) 2016/399 Art. 6',
 * }
 * const reference = createReferenceData(countries, { rules: [rule] })
 * reference.isMember('FR', 'SCHENGEN', '2026-01-01') //=> true
 * reference.rule('short-stay').params //=> { maxDays: 90, periodDays: 180 }
 * createReferenceData(countries, { rules: [{ ...rule, region: 'SCHENGN' }] }) //=> throws Error
 */
export function createReferenceData(countriesJson: unknown, rulesJson: unknown): ReferenceData {
  const countriesFile = parseOrThrow(CountriesFileSchema, countriesJson, 'seed/countries.json');
  const rulesFile = parseOrThrow(VisaRulesFileSchema, rulesJson, 'seed/visaRules.json');
  const countries = new Map<string, Country>();
  const intervals = new Map<string, DayInterval[]>();
  for (const c of countriesFile.countries) {
    if (countries.has(c.iso2)) throw new Error(`seed/countries.json: duplicate country ${c.iso2}`);
    countries.set(c.iso2, c);
    for (const m of c.memberships) {
      const key = `${c.iso2}|${m.region}`;
      const list = intervals.get(key) ?? [];
      list.push({ start: toDayNumber(m.from), end: m.to === null ? Infinity : toDayNumber(m.to) });
      intervals.set(key, list);
    }
  }
  for (const [key, list] of intervals) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.start <= list[i - 1]!.end) throw new Error(`seed/countries.json: overlapping memberships ${key.replace('|', ' in ')}`);
    }
  }
  const ruleIds = new Set<string>();
  const regions = new Set<string>();
  for (const c of countries.values()) for (const m of c.memberships) regions.add(m.region);
  const rules: VisaRule[] = [];
  rulesFile.rules.forEach((r, i) => {
    const where = `seed/visaRules.json: rules[${i}] (${r.id})`;
    if (ruleIds.has(r.id)) throw new Error(`seed/visaRules.json: duplicate rule id ${r.id}`);
    ruleIds.add(r.id);
    for (const region of [r.region, ...r.exemptNationalityRegions]) {
      if (region !== undefined && !regions.has(region)) throw new Error(`${where}: region ${region} is not a region of seed/countries.json`);
    }
    const codes = [...(r.countries ?? []), ...r.exemptNationalities, ...(r.appliesToNationalities ?? [])];
    if (r.kind === 'per-stay') codes.push(...(r.params.continuesThrough ?? []));
    for (const code of codes) if (!countries.has(code)) throw new Error(`${where}: ${code} is not a country code of seed/countries.json`);
    if (r.kind === 'rolling-window' && r.region !== undefined) {
      if (r.appliesToNationalities !== undefined || r.appliesToNote !== undefined || r.appliesToListSource !== undefined) {
        throw new Error(
          `${where}: a rolling-window rule over a region is evaluated for every traveller not exempt; appliesToNationalities and appliesToNote belong on a rule a traveller chooses (trackedRules), which lists its countries`,
        );
      }
      const { appliesToNationalities: _a, appliesToNote: _b, appliesToListSource: _s, appliesToListDate: _d, countries: _c, region, ...rest } = r;
      rules.push({ ...rest, region });
    }
  });
  const definitions: readonly RuleDefinition[] = Object.freeze([...rulesFile.rules]);
  Object.freeze(rules);
  const membershipIntervals = (iso2: string, region: string): readonly DayInterval[] => intervals.get(`${iso2}|${region}`) ?? NO_INTERVALS;
  return {
    countries,
    rules,
    countryExists: (iso2) => countries.has(iso2),
    countryName: (iso2) => countries.get(iso2)?.name,
    isMember(iso2, region, date) {
      const day = typeof date === 'number' ? date : toDayNumber(date, 'date');
      for (const iv of membershipIntervals(iso2, region)) if (day >= iv.start && day <= iv.end) return true;
      return false;
    },
    membershipIntervals,
    rule: (id) => rules.find((r) => r.id === id),
    definitions,
    definition: (id) => definitions.find((r) => r.id === id),
  };
}

let cached: ReferenceData | undefined;

/**
 * The reference data of this package (seed/countries.json, seed/visaRules.json), validated on the first call and
 * cached (later calls are free). Tests that need other tables build them with `createReferenceData`.
 * @throws ValidationError when a seed file does not match its schema (a broken edit of seed/).
 * @example
 * const reference = loadReferenceData()
 * reference.countryName('HR') //=> 'Croatia'
 * // Croatia joined the Schengen area on 1 January 2023:
 * reference.isMember('HR', 'SCHENGEN', '2022-12-31') //=> false
 * reference.isMember('HR', 'SCHENGEN', '2023-01-01') //=> true
 */
export function loadReferenceData(): ReferenceData {
  cached ??= createReferenceData(countriesJson, visaRulesJson);
  return cached;
}
