/**
 * zod schemas of the rule results of every kind (core/ruleResults.ts `RuleResult`), for responses the app reads
 * (the `planTrip` callable's `rules`, services/plan.ts) and the JSON Schemas generated from them. The TypeScript
 * interfaces in ruleResults.ts stay the engine's types; the compile-time checks at the end of this file fail when
 * a schema and its interface drift apart (a field added to one only, or typed differently).
 *
 * Dates are local calendar dates `YYYY-MM-DD` (the dates of the segments; no time zone). Counts are whole days.
 */
import { z } from 'zod';
import { CountingConventionSchema } from './referenceData';
import type { PerStayRuleResult, RollingWindowRuleResult, RuleResult, TaxYearPresenceRuleResult, WeightedLookbackRuleResult } from './ruleResults';
import { IsoDateSchema } from './segment';

const days = z.number().int().min(0);
const date = IsoDateSchema;
const dateOrNull = IsoDateSchema.nullable();

/** Fields every entry has: the rule, its kind, and whether it binds the traveller (core/applicability.ts). */
const base = {
  ruleId: z.string().describe('Id of the rule (a row of seed/visaRules.json, `visaRules/{ruleId}`).'),
  applies: z.boolean().describe('False when a nationality is exempt or the rule names other nationals; the numbers are computed either way.'),
  reason: z.string().nullable().describe('Why the rule does not apply, one sentence naming the nationality; null when it applies.'),
};

/** `rolling-window`: N days in any M-day period (rules/rollingWindow.ts; evaluate.ts `RuleEvaluation`). */
export const RollingWindowRuleResultSchema = z.strictObject({
  ...base,
  kind: z.literal('rolling-window'),
  permitDaysExcluded: days.describe('Days in the period left out because a residence permit or long-stay visa of the state covered them.'),
  daysUsed: days.describe('Days of presence in the period ending on the evaluation date.'),
  daysRemaining: days,
  overstayDays: days,
  windowStart: date,
  windowEnd: date,
  latestExitDate: dateOrNull.describe('Latest exit date when present every day from the evaluation date on; null when already over.'),
  nextEntryDate: dateOrNull.describe('Earliest date from the evaluation date on when a one-day entry is allowed.'),
  firstViolationDate: dateOrNull.describe('Earliest day of presence, past or planned, whose period holds more than the limit; null if none.'),
  currentStayStart: dateOrNull,
});

/** `per-stay`: at most N days (or months) per continuous stay (rules/perStay.ts). */
export const PerStayRuleResultSchema = z.strictObject({
  ...base,
  kind: z.literal('per-stay'),
  currentStayStart: dateOrNull.describe('Entry date of the stay running on the evaluation date; null when there is none.'),
  currentStayDays: days,
  maxStayDays: z.number().int().min(1).describe('Permitted length in days of the current stay (of a stay entered on the evaluation date when none).'),
  daysRemaining: days,
  latestExitDate: dateOrNull.describe('Last permitted day of the current stay (of a stay entered on the evaluation date when none); null when already past it.'),
  overstayDays: days,
  firstViolationDate: dateOrNull.describe('Earliest day, past or planned, after the permitted period of its stay; null if none.'),
});

/** One past tax year of `byTaxYear`. */
const TaxYearCountSchema = z.strictObject({ taxYearStart: date, taxYearEnd: date, days, met: z.boolean(), metOn: dateOrNull });

/** `tax-year-presence`: at least N days in a tax year (rules/taxYearPresence.ts). Reaching it is not a violation. */
export const TaxYearPresenceRuleResultSchema = z.strictObject({
  ...base,
  kind: z.literal('tax-year-presence'),
  convention: CountingConventionSchema.describe('How a day is counted: "midnight" (present at the end of the day) or "any-part-of-day".'),
  taxYearStart: date,
  taxYearEnd: date,
  daysThisTaxYear: days.describe('Days counted from taxYearStart through the evaluation date.'),
  plannedDaysThisTaxYear: days.describe('Planned days after the evaluation date in this tax year.'),
  threshold: z.number().int().min(1),
  met: z.boolean().describe('daysThisTaxYear >= threshold.'),
  metOn: dateOrNull.describe('The day the threshold was or will be reached in this tax year, planned trips counted; null when not.'),
  daysRemaining: days.describe('Days still missing before the threshold is reached (0 when met).'),
  byTaxYear: z.array(TaxYearCountSchema).describe('Earlier tax years with presence, oldest first.'),
});

/** `weighted-lookback`: the US substantial presence test and its kind (rules/weightedLookback.ts). Not a violation. */
export const WeightedLookbackRuleResultSchema = z.strictObject({
  ...base,
  kind: z.literal('weighted-lookback'),
  yearStart: date,
  yearEnd: date,
  daysThisYear: days.describe('Days of the current year through the evaluation date.'),
  daysByYear: z.array(days).describe('[this year through the evaluation date, first preceding year, second preceding year, ...].'),
  weightedDays: z
    .strictObject({ numerator: days, denominator: z.number().int().min(1), display: z.string().describe('Rounded down to 2 decimals; for showing only.') })
    .describe('Exact weighted days, numerator / denominator; compare with the fraction, not with display.'),
  threshold: z.number().int().min(1),
  minDaysCurrentYear: z.number().int().min(1),
  met: z.boolean(),
  metOn: dateOrNull.describe('The day the test is or will be met in the current year, planned trips counted; null when not this year.'),
  daysRemaining: days.describe('More days this year needed to meet it (0 when met).'),
});

/** Any rule result, discriminated by `kind`. */
export const RuleResultSchema = z.discriminatedUnion('kind', [
  RollingWindowRuleResultSchema,
  PerStayRuleResultSchema,
  TaxYearPresenceRuleResultSchema,
  WeightedLookbackRuleResultSchema,
]);

// Compile-time: each schema's type and its ruleResults.ts interface are assignable both ways (no drift).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShapes: [
  Same<z.infer<typeof RollingWindowRuleResultSchema>, RollingWindowRuleResult>,
  Same<z.infer<typeof PerStayRuleResultSchema>, PerStayRuleResult>,
  Same<z.infer<typeof TaxYearPresenceRuleResultSchema>, TaxYearPresenceRuleResult>,
  Same<z.infer<typeof WeightedLookbackRuleResultSchema>, WeightedLookbackRuleResult>,
  Same<z.infer<typeof RuleResultSchema>, RuleResult>,
] = [true, true, true, true, true];
void sameShapes;
