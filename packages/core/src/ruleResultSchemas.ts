/**
 * The outputs of one rule, by kind, as zod schemas: the one definition of each result shape. The core's types are
 * inferred from them (`RuleResult`, `RuleEvaluation`), the CLI's `--json` prints them, and the stored status
 * documents `users/{uid}/visaStatus/{ruleId}` are these schemas extended with the evaluation's bookkeeping (the
 * backend's `VisaStatusDocSchema`). The JSON names are the
 * app's contract (schemas/firestore/visa-status.json, the `--json` output): a name is never changed in place.
 *
 * All dates are local calendar dates `YYYY-MM-DD` (the dates of the segments; no time zone). Day counts are whole
 * days. Who a rule binds (`applies`, `reason`) is decided by nationality and residence permits
 * (`ruleApplicability`); the numbers are computed either way.
 */
import { z } from 'zod';
import { CountingConventionSchema } from './referenceData';
import { IsoDateSchema } from './segment';

const Days = z.number().int().min(0);
const DateOrNull = IsoDateSchema.nullable();

/** Fields every result has: the rule, and whether it binds the traveller. */
const resultBase = {
  /** The rule's id (a row of seed/visaRules.json). */
  ruleId: z.string(),
  /** False when a nationality is exempt (e.g. EU/EEA/Swiss under the Schengen rule); the numbers are still computed. */
  applies: z.boolean(),
  /** Why the rule does not apply, one sentence naming the nationality; null when it applies. */
  reason: z.string().nullable(),
  /**
   * Presence days of the period the figure covers (the window, the tax year, the look-back years; for a per-stay
   * rule every day through the evaluation date) left out because one of the traveller's nationalities was exempt
   * on that day (the core's `exemptDays`: a British national under the Schengen rule through 2020-12-31).
   * Optional: results stored before it existed lack it (the core always sets it).
   */
  exemptDaysExcluded: Days.optional(),
  /**
   * Present only for a rule that says who it binds in words, with no list of nationalities: "Eligibility not
   * checked ..." (the traveller's eligibility was not checked; `applies` then reflects exemptions only).
   */
  eligibility: z.string().optional(),
};

/**
 * The gap or open end a verdict rests on (the core's `AssumedRun`): the traveller arrived in `country` on `from`
 * and the next record is a departure from `nextCountry` on `to` (`gap`), or there is no later record up to the
 * evaluation date `to` (`open-end`); the days after `from` through `to` are counted in `country` without a record.
 */
export const AssumptionSchema = z.strictObject({
  kind: z.enum(['gap', 'open-end']),
  /** ISO alpha-2 of the country the assumed days are counted in. */
  country: z.string(),
  /** The arrival date that opens the gap. */
  from: IsoDateSchema,
  /** The next departure date (gap) or the evaluation date (open end). */
  to: IsoDateSchema,
  /** Days of the gap that are assumed in `country`. */
  assumedDays: Days,
  /** Departure country of the next record (gap); null for an open end. */
  nextCountry: z.string().nullable(),
  /** Days of the gap the rule counts in the figure that decides the verdict (its window, stay or year). */
  decidingDays: Days,
});

/**
 * What a result rests on (days `assumed` are counted without a record supporting them): the fields every result
 * has, computed by evaluating the rule once with and once without the assumed days.
 */
export const RuleAssumptionSchema = z.strictObject({
  /**
   * Days of the current figure (the window ending on `asOf`, the current stay, the tax year or the look-back years
   * through `asOf`) that are assumed: counted under `--assumed count`, left out under `--assumed exclude`.
   */
  assumedDays: Days,
  /**
   * True when counting the assumed days or not changes the verdict: over or within the limit, met or not, or the
   * first violation date.
   */
  dependsOnAssumption: z.boolean(),
  /** The gap or open end holding most of the deciding assumed days; null when nothing depends on them. */
  assumption: AssumptionSchema.nullable(),
});

/**
 * The assumption fields in every result schema: optional, because results stored before they existed lack them
 * (the core always sets them).
 */
const assumptionFields = RuleAssumptionSchema.partial().shape;

/**
 * Status of a rolling-window rule ("N days in any M-day period") as of the evaluation date `asOf`: the shape
 * `evaluateTravel` returns for each default rule.
 */
export const RuleEvaluationSchema = z.strictObject({
  ...resultBase,
  /**
   * Days of presence in the period ending on `asOf` (windowStart..windowEnd) left out of `daysUsed` because a
   * residence permit or long-stay visa of the state covered them (Reg. (EU) 2016/399 Art. 6(2)); 0 without one.
   */
  permitDaysExcluded: Days,
  /** Days of presence in the rule's region (or countries) within the period ending on `asOf`. */
  daysUsed: Days,
  /** max(0, maxDays - daysUsed). */
  daysRemaining: Days,
  /** max(0, daysUsed - maxDays). */
  overstayDays: Days,
  /** First and last day of the period of control date `asOf` (`asOf - periodDays + 1`, `asOf`). */
  windowStart: IsoDateSchema,
  windowEnd: IsoDateSchema,
  /** Latest exit date if the traveller stays (or enters) from `asOf` on; null when already over the limit. */
  latestExitDate: DateOrNull,
  /** Earliest date from `asOf` on when a one-day entry is allowed. */
  nextEntryDate: DateOrNull,
  /** Earliest day of presence (past or planned) whose period holds more than `maxDays` days; null if none. */
  firstViolationDate: DateOrNull,
  /** First day of the uninterrupted presence in the region that includes `asOf`; null when absent on `asOf`. */
  currentStayStart: DateOrNull,
  ...assumptionFields,
});

/** `rolling-window`: `RuleEvaluationSchema`, same fields and meanings, plus `kind`. */
export const RollingWindowRuleResultSchema = RuleEvaluationSchema.extend({ kind: z.literal('rolling-window') });

/** `per-stay` (`evaluatePerStay`): the visit running on `asOf` against the limit per visit. */
export const PerStayRuleResultSchema = z.strictObject({
  ...resultBase,
  kind: z.literal('per-stay'),
  /** Entry date of the stay running on `asOf` (bridge days included); null when there is none. */
  currentStayStart: DateOrNull,
  /** Days of that stay up to `asOf` inclusive; 0 without one. */
  currentStayDays: Days,
  /** Permitted length in days of the current stay (of a stay entered on `asOf` when none): months become days. */
  maxStayDays: Days,
  /** max(0, maxStayDays - currentStayDays). */
  daysRemaining: Days,
  /** Last permitted day of the current stay (of a stay entered on `asOf` when none); null when already past it. */
  latestExitDate: DateOrNull,
  /** max(0, currentStayDays - maxStayDays). */
  overstayDays: Days,
  /** Earliest day (past or planned) after the permitted period of its stay; null when none. */
  firstViolationDate: DateOrNull,
  ...assumptionFields,
});

/** One past tax year of `byTaxYear`. */
export const TaxYearCountResultSchema = z.strictObject({
  taxYearStart: IsoDateSchema,
  taxYearEnd: IsoDateSchema,
  /** Days counted in that tax year (under the rule's convention). */
  days: Days,
  /** days >= threshold. */
  met: z.boolean(),
  /** The day the threshold was reached; null when not met. */
  metOn: DateOrNull,
});

/** `tax-year-presence` (`evaluateTaxYearPresence`): days counted in the tax year of `asOf`. */
export const TaxYearPresenceRuleResultSchema = z.strictObject({
  ...resultBase,
  kind: z.literal('tax-year-presence'),
  /** How the days were counted (the row's `convention`: `midnight` for the UK statutory residence test). */
  convention: CountingConventionSchema,
  /** First and last day of the tax year containing `asOf`. */
  taxYearStart: IsoDateSchema,
  taxYearEnd: IsoDateSchema,
  /** Days counted from taxYearStart through asOf. */
  daysThisTaxYear: Days,
  /** Planned days after asOf in this tax year. */
  plannedDaysThisTaxYear: Days,
  /** The rule's number of days (183 for the UK's first automatic test). */
  threshold: z.number().int().min(1),
  /** daysThisTaxYear >= threshold. */
  met: z.boolean(),
  /** The day the threshold was or will be reached in this tax year (planned trips counted); null when not. */
  metOn: DateOrNull,
  /** max(0, threshold - daysThisTaxYear): days still to count before it is reached. */
  daysRemaining: Days,
  /** Earlier tax years with days counted, oldest first (the status document keeps the latest few). */
  byTaxYear: z.array(TaxYearCountResultSchema),
  ...assumptionFields,
});

/** Exact weighted days `numerator / denominator` (the core's `WeightedDays`). */
export const WeightedDaysSchema = z.strictObject({
  numerator: z.number().int().min(0),
  denominator: z.number().int().min(1),
  /** The value rounded down to 2 decimals, trailing zeros dropped ("180", "182.83"); for showing only. */
  display: z.string(),
});

/** `weighted-lookback` (`evaluateWeightedLookback`): the US substantial presence test. */
export const WeightedLookbackRuleResultSchema = z.strictObject({
  ...resultBase,
  kind: z.literal('weighted-lookback'),
  /** First and last day of the year containing `asOf`. */
  yearStart: IsoDateSchema,
  yearEnd: IsoDateSchema,
  /** Days of the current year through asOf. */
  daysThisYear: Days,
  /** [this year through asOf, first preceding year, second preceding year, ...], one per weight. */
  daysByYear: z.array(Days).max(20),
  /** Exact: numerator / denominator; `display` rounded down to 2 decimals, for showing only. */
  weightedDays: WeightedDaysSchema,
  threshold: z.number().int().min(1),
  minDaysCurrentYear: Days,
  /** daysThisYear >= minDaysCurrentYear and weightedDays >= threshold. */
  met: z.boolean(),
  /** The day it is or will be met in the current year (planned trips counted); null when not this year. */
  metOn: DateOrNull,
  /** More days this year needed to meet it (0 when met). */
  daysRemaining: Days,
  ...assumptionFields,
});

/** One rule's status as of the evaluation date, by kind (`kind` discriminates). */
export const RuleResultSchema = z.discriminatedUnion('kind', [
  RollingWindowRuleResultSchema,
  PerStayRuleResultSchema,
  TaxYearPresenceRuleResultSchema,
  WeightedLookbackRuleResultSchema,
]);
