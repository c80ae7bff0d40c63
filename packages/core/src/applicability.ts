/**
 * Who a rule applies to, and which days it leaves out: nationality exemptions and residence permits / long-stay
 * visas.
 *
 * - Exemption is a property of each day ({@link exemptDays}): on a day when one of the traveller's nationalities
 *   is a member of one of `rule.exemptNationalityRegions`, or on every day when one is listed in
 *   `rule.exemptNationalities`, the rule does not bind the traveller, so the day is never counted for it and no
 *   violation falls on it (Schengen: EU citizens and EEA/Swiss nationals have free movement under Directive
 *   2004/38/EC and the EEA and EU-Swiss agreements, so the short-stay rule of Regulation (EU) 2016/399 Art. 6
 *   does not bind them; a British national had it until the UK left the EU on 2020-01-31 and through the
 *   Withdrawal Agreement's transition period to 2020-12-31, Art. 126-127, region `EU_TRANSITION`).
 *   `applies` and `reason` ({@link ruleApplicability}) are the verdict for the evaluation date.
 * - A rule with `appliesToNationalities` binds only those nationals (a visa exemption granted to a list of
 *   countries, copied from `appliesToListSource` as of `appliesToListDate`); a traveller of none of them needs a
 *   visa, whose own validity governs, and is told so, with the numbers still computed. A rule that says who it
 *   binds only in words (`appliesToNote`, no list) reports that eligibility was not checked ({@link eligibilityNote}).
 * - Regulation (EU) 2016/399 (Schengen Borders Code) Art. 6(2), second sentence: "Periods of stay authorised under
 *   a residence permit or a long-stay visa shall not be taken into account in the calculation of the duration of
 *   stay on the territory of the Member States." A permit or national long-stay (D) visa is issued by one member
 *   state and authorises stay in THAT state: presence there on a day within its validity is left out of the
 *   count; presence in any other member state on that day still counts (a day spent in Germany by a holder of a
 *   French titre de séjour is a short-stay day). The holder's movement in the other member states is itself
 *   limited to "90 days in any 180-day period" by the Convention implementing the Schengen Agreement, Art. 21(1)
 *   and (2a) (as amended by Regulation (EU) No 265/2010), which is what the count then measures.
 *
 * All dates are local calendar dates `YYYY-MM-DD` (no time zone: the dates printed on the permit).
 */
import { z } from 'zod';
import { toDayNumber } from './dates';
import { intersectIntervals, mergeIntervals, type DayInterval } from './intervals';
import type { ReferenceData } from './referenceData';
import { membershipPhrase } from './ruleWording';
import { CountryCodeSchema, TravelDateSchema } from './segment';

/** Kinds of document that authorise a stay beyond the short-stay rule. */
export const PermitKindSchema = z.enum(['residence-permit', 'long-stay-visa']);

/**
 * A residence permit or long-stay (D) visa: issuing state (ISO 3166-1 alpha-2), first and last day of validity
 * (inclusive local dates, travel dates 1900-01-01..2199-12-31), and its kind.
 */
export const ResidencePermitSchema = z
  .strictObject({
    country: CountryCodeSchema,
    validFrom: TravelDateSchema,
    validTo: TravelDateSchema,
    kind: PermitKindSchema,
  })
  .refine((p) => !/^\d{4}-\d{2}-\d{2}$/.test(p.validFrom) || !/^\d{4}-\d{2}-\d{2}$/.test(p.validTo) || p.validTo >= p.validFrom, {
    message: 'must not be before validFrom',
    path: ['validTo'],
  });
export type ResidencePermit = z.infer<typeof ResidencePermitSchema>;

/**
 * At most this many permits per traveller, current and past. Bounded by what the security rules can check in one
 * request: a request may evaluate at most 1 000 expressions, and measured on the emulator a profile with 4 permits
 * exceeded it. Back-to-back renewals by one state cover the same days as one entry from the first day of the
 * first to the last day of the last, so three entries hold a long history.
 */
export const MAX_RESIDENCE_PERMITS = 3;

/** Whether a rule binds the traveller, and why not when it does not. */
export interface Applicability {
  applies: boolean;
  /** One sentence for the traveller when `applies` is false (names the nationality); null when it applies. */
  reason: string | null;
}

/**
 * What {@link ruleApplicability} reads of a rule: a {@link VisaRule} ({@link evaluateTravel}'s rules) or any
 * rule row of the reference data ({@link RuleDefinition}).
 */
export interface RuleScope {
  name: string;
  exemptNationalities: readonly string[];
  exemptNationalityRegions: readonly string[];
  /** When given, the rule binds only nationals of these countries (ISO 3166-1 alpha-2). */
  appliesToNationalities?: readonly string[];
  /** The date `appliesToNationalities` is current to (named in the reason). */
  appliesToListDate?: string;
  /** Who the rule binds, in words, where there is no list. */
  appliesToNote?: string;
}

/** Names shown in a reason: at most this many, then "and N more". */
const MAX_NAMED = 5;

/**
 * Does `rule` bind a traveller of these nationalities on day `date` (day number)?
 * - Exemptions first: a traveller with any exempt nationality is not bound (`exemptNationalities`, or a member
 *   of one of `exemptNationalityRegions` on `date`); the reason names the first exempt nationality, in the
 *   order given.
 * - Then `appliesToNationalities`, when the rule has it: the rule binds only a traveller with at least one of
 *   those nationalities. With no nationality given the rule is taken to apply (the conservative reading: the
 *   app cannot rule it out), as with the exemptions.
 * @returns `{ applies: true, reason: null }`, or `{ applies: false, reason }` with one sentence for the traveller.
 * @example
 * const reference = loadReferenceData()
 * const schengen = reference.rule('schengen-90-180')
 * ruleApplicability(schengen, ['US'], toDayNumber('2026-01-01'), reference) //=> { applies: true, reason: null }
 * // An Irish national has free movement in the Schengen area:
 * ruleApplicability(schengen, ['US', 'IE'], toDayNumber('2026-01-01'), reference)
 * //=> { applies: false, reason: 'Ireland (IE) is a member of the European Union: its nationals are exempt from Schengen short stay (90/180)' }
 */
export function ruleApplicability(rule: RuleScope, nationalities: readonly string[], date: number, reference: ReferenceData): Applicability {
  const label = (n: string) => `${reference.countryName(n) ?? n} (${n})`;
  for (const n of nationalities) {
    if (rule.exemptNationalities.includes(n)) {
      return { applies: false, reason: `${label(n)} nationals are exempt from ${rule.name}` };
    }
    const region = rule.exemptNationalityRegions.find((r) => reference.isMember(n, r, date));
    if (region !== undefined) {
      return { applies: false, reason: `${label(n)} ${membershipPhrase(region)}: its nationals are exempt from ${rule.name}` };
    }
  }
  const only = rule.appliesToNationalities;
  if (only !== undefined && nationalities.length > 0 && !nationalities.some((n) => only.includes(n))) {
    return {
      applies: false,
      reason: `${rule.name} applies only to nationals of ${listOf(only.map(label), 'and')}${rule.appliesToListDate ? ` (list of ${rule.appliesToListDate})` : ''}, not to ${listOf(nationalities.map(label), 'or')}: needs a visa: the visa's own validity governs`,
    };
  }
  return { applies: true, reason: null };
}

/**
 * Whether the traveller's eligibility for `rule` was checked: null when the rule binds everyone not exempt (no
 * `appliesToNote`) or checks a list (`appliesToNationalities`); otherwise one sentence saying it was not, with
 * the rule's note on who it binds.
 * @example
 * const reference = loadReferenceData()
 * eligibilityNote(reference.definition('us-vwp-90-per-admission')) //=> null
 * eligibilityNote(reference.definition('uk-visitor-6-months')).startsWith('Eligibility not checked') //=> true
 */
export function eligibilityNote(rule: RuleScope): string | null {
  if (rule.appliesToNationalities !== undefined || rule.appliesToNote === undefined) return null;
  return `Eligibility not checked (no list of nationalities for this rule): ${rule.appliesToNote}`;
}

/**
 * The days on which `rule` does not bind a traveller of these nationalities: every day when one of them is in
 * `rule.exemptNationalities`, else the union of their memberships of `rule.exemptNationalityRegions` (sorted,
 * disjoint day-number runs; `-Infinity`/`Infinity` ends for "always"). Empty without nationalities.
 * `appliesToNationalities` is not a day property (a visa's own validity governs) and is not read here.
 * @example
 * const reference = loadReferenceData()
 * const schengen = reference.rule('schengen-90-180')
 * // A British national: free movement while the UK was in the EU, and in the transition period to 2020-12-31
 * exemptDays(schengen, ['GB'], reference).at(-1).end === toDayNumber('2020-12-31') //=> true
 * exemptDays(schengen, ['US'], reference) //=> []
 * exemptDays(schengen, ['CH'], reference) //=> [{ start: -Infinity, end: Infinity }]
 */
export function exemptDays(rule: RuleScope, nationalities: readonly string[], reference: ReferenceData): DayInterval[] {
  if (nationalities.some((n) => rule.exemptNationalities.includes(n))) return [{ start: -Infinity, end: Infinity }];
  const parts: DayInterval[] = [];
  for (const n of nationalities) for (const r of rule.exemptNationalityRegions) parts.push(...reference.membershipIntervals(n, r));
  return mergeIntervals(parts);
}

/** "A", "A and B", "A, B and C", "A, B, C, D, E and 3 more". */
function listOf(items: readonly string[], word: 'and' | 'or'): string {
  const shown = items.length > MAX_NAMED ? [...items.slice(0, MAX_NAMED), `${items.length - MAX_NAMED} more`] : [...items];
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} ${word} ${shown[shown.length - 1]}`;
}

/**
 * The days each issuing state's permits cover, as sorted maximal day-number runs per ISO alpha-2 code.
 * Overlapping or back-to-back permits of one state merge (a renewal continues the cover).
 * @example
 * const permits = [
 *   { country: 'FR', validFrom: '2026-01-01', validTo: '2026-06-30', kind: 'residence-permit' },
 *   { country: 'FR', validFrom: '2026-07-01', validTo: '2026-12-31', kind: 'residence-permit' },
 * ]
 * // A renewal continues the cover:
 * permitCover(permits) //=> new Map([['FR', [{ start: toDayNumber('2026-01-01'), end: toDayNumber('2026-12-31') }]]])
 */
export function permitCover(permits: readonly ResidencePermit[]): Map<string, DayInterval[]> {
  const byCountry = new Map<string, DayInterval[]>();
  for (const p of permits) {
    const list = byCountry.get(p.country) ?? [];
    list.push({ start: toDayNumber(p.validFrom), end: toDayNumber(p.validTo) });
    byCountry.set(p.country, list);
  }
  for (const [c, list] of byCountry) byCountry.set(c, mergeIntervals(list));
  return byCountry;
}

/**
 * One warning per permit whose issuing state is not a member of the region of any rule of the reference data
 * that leaves permit days out (`residencePermitsExcluded`) on any day of its validity: such a permit leaves
 * nothing out (a US green card says nothing of the Schengen count), which the traveller may not expect.
 * @example
 * const reference = loadReferenceData()
 * permitWarnings([{ country: 'US', validFrom: '2026-01-01', validTo: '2026-12-31', kind: 'residence-permit' }], reference)
 * //=> ['residence permit of United States (US), valid 2026-01-01 to 2026-12-31: not issued by a member of SCHENGEN, so it leaves no day out of Schengen short stay (90/180)']
 * permitWarnings([{ country: 'FR', validFrom: '2026-01-01', validTo: '2026-12-31', kind: 'residence-permit' }], reference) //=> []
 */
export function permitWarnings(permits: readonly ResidencePermit[], reference: ReferenceData): string[] {
  const out: string[] = [];
  for (const p of permits) {
    const cover = [{ start: toDayNumber(p.validFrom), end: toDayNumber(p.validTo) }];
    for (const d of reference.definitions) {
      if (!d.residencePermitsExcluded) continue;
      const inside =
        d.region !== undefined
          ? intersectIntervals(cover, reference.membershipIntervals(p.country, d.region)).length > 0
          : (d.countries ?? []).includes(p.country);
      if (inside) continue;
      const where = d.region ?? (d.countries ?? []).join(', ');
      out.push(
        `${p.kind.replace(/-/g, ' ')} of ${reference.countryName(p.country) ?? p.country} (${p.country}), valid ${p.validFrom} to ${p.validTo}: not issued by a member of ${where}, so it leaves no day out of ${d.name}`,
      );
    }
  }
  return out;
}
