/**
 * Document mapping and change detection of the recompute: the status document of a rule's result (`statusDocOf`),
 * the documents of one evaluation (`evaluationDocs`: statuses and the `summaries/countryDays` summary), the profile's
 * rule inputs as the timeline head keeps them (`profileInputsOf`), and what decides that a document must be written
 * again (`sameStatus`, `sameInstant`, `summaryKey`): the written statuses are a pure function of (timeline, profile
 * inputs, the user's local date), and a document is written only when it differs from the one the head records as
 * written, so a repeated evaluation writes nothing.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { IsoDate } from '@travel-time-tracker/core/dates';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import type { RuleResult } from '@travel-time-tracker/core/ruleResults';
import {
  MAX_STORED_TAX_YEARS,
  ProfileInputsSchema,
  defaultNotificationSettings,
  type CountryDaysDoc,
  type ProfileInputs,
  type UserProfile,
  type VisaStatusDoc,
} from '../../model/documents';
import { canonicalJson } from './segments';

/** At most this many warnings are stored on the summary (Firestore's 1 MiB document limit). */
export const MAX_STORED_WARNINGS = 100;

/**
 * Equal statuses but for `computedAt` and `segmentsHash` (compared at every depth: `byTaxYear`, `weightedDays`
 * included): an edit that leaves a rule's numbers as they were does not write its document again, whatever the
 * number of rules tracked (a UK trip's edit does not rewrite the Schengen status).
 */
export function sameStatus(a: VisaStatusDoc, b: VisaStatusDoc | null | undefined): boolean {
  if (!b) return false;
  const { computedAt: _a, segmentsHash: _ha, ...ra } = a;
  const { computedAt: _b, segmentsHash: _hb, ...rb } = b;
  return isDeepStrictEqual(ra, rb);
}

/** Whether two optional instants are equal (both absent counts as equal). */
export function sameInstant(a: Date | null | undefined, b: Date | null | undefined): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/**
 * The status document of one rule's result as of `asOf`: the result with its kind's fields ({@link RuleResult}),
 * `asOf`, `computedAt` and the segments' fingerprint; a tax-year-presence status keeps the latest
 * `MAX_STORED_TAX_YEARS` past tax years.
 */
export function statusDocOf(r: RuleResult, asOf: IsoDate, hash: string, computedAt: Date): VisaStatusDoc {
  const doc = { ...r, asOf, computedAt, segmentsHash: hash };
  if (doc.kind === 'tax-year-presence' && doc.byTaxYear.length > MAX_STORED_TAX_YEARS) doc.byTaxYear = doc.byTaxYear.slice(-MAX_STORED_TAX_YEARS);
  return doc;
}

/**
 * What the documents of one evaluation are built from: the tracked rules' results (with their assumption fields),
 * the days per country and, among them, the assumed ones (countries without assumed days omitted), and the last
 * record (the core's `evidenceSummary`).
 */
export interface EvaluationParts {
  asOf: IsoDate;
  results: readonly RuleResult[];
  countryDays: Record<string, number>;
  countryDaysByYear: Record<string, Record<string, number>>;
  assumedCountryDays: Record<string, number>;
  assumedCountryDaysByYear: Record<string, Record<string, number>>;
  lastRecordedDate: IsoDate | null;
  lastRecordedCountry: string | null;
  warnings: readonly string[];
}

/** Builds the documents of one evaluation: one status per result, in order, and the summary. */
export function evaluationDocs(parts: EvaluationParts, hash: string, computedAt: Date): { statuses: VisaStatusDoc[]; countryDays: CountryDaysDoc } {
  const statuses = parts.results.map((r) => statusDocOf(r, parts.asOf, hash, computedAt));
  const countryDays: CountryDaysDoc = {
    asOf: parts.asOf,
    countryDays: parts.countryDays,
    countryDaysByYear: parts.countryDaysByYear,
    assumedCountryDays: parts.assumedCountryDays,
    assumedCountryDaysByYear: parts.assumedCountryDaysByYear,
    lastRecordedDate: parts.lastRecordedDate,
    lastRecordedCountry: parts.lastRecordedCountry,
    warnings:
      parts.warnings.length > MAX_STORED_WARNINGS
        ? [...parts.warnings.slice(0, MAX_STORED_WARNINGS), `and ${parts.warnings.length - MAX_STORED_WARNINGS} more warnings`]
        : [...parts.warnings],
    computedAt,
    segmentsHash: hash,
  };
  return { statuses, countryDays };
}

/**
 * The profile's rule inputs, as the timeline head keeps them. A stored profile that breaks its schema (written
 * outside the rules) must not make the head unreadable, which would rebuild the timeline at every event: each input
 * that is not valid is replaced by its default (no nationality, UTC, the default notification settings), as the
 * recompute treats a missing profile.
 */
export function profileInputsOf(p: UserProfile): ProfileInputs {
  const shape = ProfileInputsSchema.shape;
  const pick = <T>(schema: { safeParse(v: unknown): { success: boolean; data?: T } }, value: unknown, fallback: T): T => {
    const r = schema.safeParse(value);
    return r.success ? (r.data as T) : fallback;
  };
  return {
    nationalities: pick(shape.nationalities, p.nationalities, []),
    homeCountry: pick(shape.homeCountry, p.homeCountry ?? null, null),
    timeZone: pick(shape.timeZone, p.timeZone, 'UTC'),
    notifications: pick(shape.notifications, p.notifications, defaultNotificationSettings()),
    residencePermits: pick(shape.residencePermits, p.residencePermits ?? [], []),
    // Unreadable (written outside the rules): the default rules, as for a profile without the field.
    trackedRules: pick(shape.trackedRules, p.trackedRules ?? null, null),
  };
}

/** Fingerprint of a summary without `computedAt` (the head records the one written; change detection). */
export function summaryKey(c: CountryDaysDoc): string {
  const { computedAt: _c, ...rest } = c;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 32);
}

/**
 * The profile's nationalities the core can use, and a warning for each it cannot: the security rules and the profile
 * schema check the form of a code (two capital letters), the core refuses a code ISO 3166-1 does not assign
 * (`XX`), and a stored profile must never make every recompute of its traveller throw. A code left out is named in
 * the summary's warnings, so the traveller can correct it.
 */
export function knownNationalities(nationalities: readonly string[] | undefined): { nationalities: string[]; warnings: string[] } {
  const reference = loadReferenceData();
  const list = nationalities ?? [];
  const unknown = list.filter((n) => !reference.countryExists(n));
  return {
    nationalities: list.filter((n) => reference.countryExists(n)),
    warnings: unknown.map((n) => `nationality "${n}" in your profile is not an ISO 3166-1 country code and was left out: correct it in your profile`),
  };
}
