/**
 * Reference data of the day-counting core: the ISO 3166-1 countries with their dated region memberships
 * (`seed/countries.json`) and the visa rules (`seed/visaRules.json`). Read with `fs` (no Firebase), validated
 * with zod, cached. See seed/README.md for the fields and their sources.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { IsoDateSchema } from './segment';
import { toDayNumber, type IsoDate } from './dates';
import { dayNumber } from './dayNumbers';
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
  iso2: z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code' }),
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

/**
 * A data-driven "at most `maxDays` days of presence in `region` in any `periodDays`-day period" rule.
 * The period of a control date D is [D - periodDays + 1, D]. `maxDays < periodDays` (otherwise the rule can
 * never be broken and "latest exit" would be unbounded).
 */
export const VisaRuleSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]+$/, { message: 'must be a lower-case id such as "schengen-90-180"' }),
    name: z.string().min(1),
    description: z.string().min(1),
    kind: z.literal('rolling-window'),
    params: z.strictObject({ maxDays: z.number().int().min(1), periodDays: z.number().int().min(2).max(3660) }),
    region: RegionIdSchema,
    exemptNationalityRegions: z.array(RegionIdSchema),
    exemptNationalities: z.array(z.string().regex(/^[A-Z]{2}$/)),
    implementation: z.string().min(1),
    source: z.string().min(1),
  })
  .refine((r) => r.params.maxDays < r.params.periodDays, {
    message: 'must be smaller than periodDays',
    path: ['params', 'maxDays'],
  });
export type VisaRule = z.infer<typeof VisaRuleSchema>;

/** `seed/visaRules.json`. */
export const VisaRulesFileSchema = z.strictObject({ rules: z.array(VisaRuleSchema).min(1) });

/** An inclusive range of day numbers (see dates.ts `toDayNumber`). */
export interface DayInterval {
  start: number;
  end: number;
}

/** Validated, indexed reference data. All dates are local calendar dates `YYYY-MM-DD` or day numbers. */
export interface ReferenceData {
  readonly countries: ReadonlyMap<string, Country>;
  readonly rules: readonly VisaRule[];
  /** True when `iso2` is in the seed (officially assigned ISO 3166-1 codes plus XK). */
  countryExists(iso2: string): boolean;
  /** English short name, or undefined for an unknown code. */
  countryName(iso2: string): string | undefined;
  /** True when `iso2` belongs to `region` on `date` (an ISO date or a day number). Unknown codes: false. */
  isMember(iso2: string, region: string, date: IsoDate | number): boolean;
  /** Sorted, disjoint inclusive day-number intervals of membership (`to: null` ends at +Infinity). */
  membershipIntervals(iso2: string, region: string): readonly DayInterval[];
  /** The rule with this id, or undefined. */
  rule(id: string): VisaRule | undefined;
}

const NO_INTERVALS: readonly DayInterval[] = Object.freeze([]);

/**
 * Builds reference data from already-parsed JSON (tests inject tables here).
 * @throws ValidationError naming the offending field (e.g. `countries[3].memberships[0].from ...`) or a
 *   duplicate code/rule id.
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
  for (const r of rulesFile.rules) {
    if (ruleIds.has(r.id)) throw new Error(`seed/visaRules.json: duplicate rule id ${r.id}`);
    ruleIds.add(r.id);
  }
  const rules: readonly VisaRule[] = Object.freeze([...rulesFile.rules]);
  const membershipIntervals = (iso2: string, region: string): readonly DayInterval[] =>
    intervals.get(`${iso2}|${region}`) ?? NO_INTERVALS;
  return {
    countries,
    rules,
    countryExists: (iso2) => countries.has(iso2),
    countryName: (iso2) => countries.get(iso2)?.name,
    isMember(iso2, region, date) {
      const day = typeof date === 'number' ? date : dayNumber(date, 'date');
      for (const iv of membershipIntervals(iso2, region)) if (day >= iv.start && day <= iv.end) return true;
      return false;
    },
    membershipIntervals,
    rule: (id) => rules.find((r) => r.id === id),
  };
}

/**
 * Folders searched for `countries.json` and `visaRules.json`, in order: a `seed/` copy inside the functions
 * package (deploy time: functions/seed, two levels above functions/{src,lib}/core), then the repository root's
 * `seed/` (three levels above).
 */
export function seedDirCandidates(): string[] {
  return [path.resolve(__dirname, '../../seed'), path.resolve(__dirname, '../../../seed')];
}

let cached: ReferenceData | undefined;

/**
 * Reads, validates and caches the seed reference data (first call reads the files; later calls are free).
 * @param seedDir explicit folder (bypasses the search and the cache).
 * @throws Error when no seed folder is found; ValidationError when a file does not match its schema.
 */
export function loadReferenceData(seedDir?: string): ReferenceData {
  if (seedDir === undefined && cached) return cached;
  const dir = seedDir ?? seedDirCandidates().find((d) => fs.existsSync(path.join(d, 'countries.json')));
  if (!dir) throw new Error(`seed reference data not found; looked in ${seedDirCandidates().join(', ')}`);
  const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  const data = createReferenceData(read('countries.json'), read('visaRules.json'));
  if (seedDir === undefined) cached = data;
  return data;
}
