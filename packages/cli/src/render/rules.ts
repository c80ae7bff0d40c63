/**
 * The text report's lines for one rule: a header naming the rule and its limit, then a few lines in words by
 * kind ("58 days left in this visit"; "you will reach 183 days in the United Kingdom tax year on 2026-10-19";
 * "US substantial presence test: 92 weighted days of 183 (...), not met"), in the words the push alerts use too
 * ({@link placeOf}, {@link willReach} and their siblings). Dates are the report's local
 * `YYYY-MM-DD` dates. A rule that does not apply gets one line with the reason instead of its numbers (an
 * exempt traveller must not read an overstay the rule cannot give them).
 */
import type { RuleEvaluation } from '@travel-time-tracker/core/evaluate';
import { assumptionNote } from './evidence';
import type { ReferenceData, RuleDefinition } from '@travel-time-tracker/core/referenceData';
import type { PerStayRuleResult, RuleResult, TaxYearPresenceRuleResult, WeightedLookbackRuleResult } from '@travel-time-tracker/core/ruleResults';
import {
  conventionWords,
  daysLeftInVisit,
  daysShortOf,
  moreDaysWouldMeet,
  overVisitLimit,
  perStayLimit,
  placeOf,
  reachedOn,
  weightedDaysOf,
  willBeMetOn,
  willReach,
} from '@travel-time-tracker/core/ruleWording';

type Of<K extends RuleDefinition['kind']> = Extract<RuleDefinition, { kind: K }>;

/** A rolling-window entry as the report prints it (`currentStayStart` is not part of the report's JSON). */
type RollingEntry = Omit<RuleEvaluation, 'currentStayStart'>;

/**
 * The block of a rolling-window rule (the report's original layout): header with the limit, days used, days
 * remaining (and an overstay), latest exit, next entry and first violation dates.
 */
export function renderRollingWindow(rule: RollingEntry, def: Pick<Of<'rolling-window'>, 'name' | 'params'> | undefined, asOf: string): string[] {
  const lines: string[] = [];
  const limit = def ? `${def.params.maxDays} days in any ${def.params.periodDays}-day period` : rule.ruleId;
  lines.push(`${def?.name ?? rule.ruleId}: ${limit}`);
  if (!rule.applies) {
    lines.push(
      `  does not apply: ${rule.reason ?? 'an exempt nationality'} (days in the area: ${rule.daysUsed + (rule.exemptDaysExcluded ?? 0)} in the period ${rule.windowStart} to ${rule.windowEnd})`,
    );
    return lines;
  }
  const excluded = rule.permitDaysExcluded > 0 ? `; ${rule.permitDaysExcluded} more under a residence permit or long-stay visa not counted` : '';
  lines.push(`  days used:             ${rule.daysUsed} in the period ${rule.windowStart} to ${rule.windowEnd}${excluded}`);
  lines.push(`  days remaining:        ${rule.daysRemaining}${rule.overstayDays > 0 ? `   OVERSTAY: ${rule.overstayDays} day(s) over the limit` : ''}`);
  // Beside the verdict it decides: the current figure when the assumed stretch reaches into the period, else the
  // first violation date.
  const note = assumptionNote(rule);
  const onWindow = note !== null && (rule.assumption?.to ?? rule.windowEnd) >= rule.windowStart;
  if (onWindow) lines.push(`                         ${note}`);
  lines.push(
    `  latest exit date:      ${rule.latestExitDate ?? 'none: a stay on this date would already break the rule'}   (if present every day from ${asOf})`,
  );
  lines.push(`  next entry date:       ${rule.nextEntryDate ?? 'none'}`);
  lines.push(`  first violation date:  ${rule.firstViolationDate ?? 'none'}`);
  if (note && !onWindow) lines.push(`                         ${note}`);
  return lines;
}

/** The lines of any rule result; `def` is its row (from the reference data), `ref` gives country names. */
export function renderRuleResult(r: RuleResult, def: RuleDefinition | undefined, asOf: string, ref: ReferenceData | undefined): string[] {
  if (r.kind === 'rolling-window') return renderRollingWindow(r, def?.kind === 'rolling-window' ? def : undefined, asOf);
  const lines = kindLines(r, def, asOf, ref);
  const note = r.applies ? assumptionNote(r) : null;
  // Beside the verdict: the line after it (the weighted test's verdict is its first line, the others' the second).
  if (note) lines.splice(Math.min(lines.length, r.kind === 'weighted-lookback' ? 2 : 3), 0, `  ${note}`);
  return lines;
}

function kindLines(
  r: Exclude<RuleResult, { kind: 'rolling-window' }>,
  def: RuleDefinition | undefined,
  asOf: string,
  ref: ReferenceData | undefined,
): string[] {
  const name = def?.name ?? r.ruleId;
  const place = def ? placeOf(def, ref) : r.ruleId;
  const lines: string[] = [];
  switch (r.kind) {
    case 'per-stay':
      lines.push(`${name}: at most ${def?.kind === 'per-stay' ? perStayLimit(def) : `${r.maxStayDays} days`} per visit in ${place}`);
      if (r.applies) lines.push(...perStay(r, asOf));
      break;
    case 'tax-year-presence':
      lines.push(`${name}: at least ${r.threshold} days in a tax year (${r.taxYearStart} to ${r.taxYearEnd}), ${conventionWords(r.convention)}`);
      if (r.applies) lines.push(...taxYear(r, place));
      break;
    case 'weighted-lookback':
      lines.push(`${name}: at least ${r.minDaysCurrentYear} days this year and ${r.threshold} weighted days over ${r.daysByYear.length} years`);
      if (r.applies) lines.push(...weighted(r, name, def?.kind === 'weighted-lookback' ? def.params.weights : undefined));
      break;
  }
  if (!r.applies) lines.push(`  does not apply: ${r.reason ?? 'an exempt nationality'}`);
  return lines;
}

function perStay(r: PerStayRuleResult, asOf: string): string[] {
  const lines: string[] = [];
  if (r.currentStayStart !== null) {
    lines.push(`  this visit: since ${r.currentStayStart}, ${r.currentStayDays} days of ${r.maxStayDays}`);
    if (r.overstayDays > 0) lines.push(`  OVERSTAY: ${overVisitLimit(r.overstayDays)}`);
    else lines.push(`  ${daysLeftInVisit(r.daysRemaining)}: latest exit date ${r.latestExitDate}`);
  } else {
    lines.push(`  no visit on ${asOf}: a visit entered that day could last ${r.maxStayDays} days, to ${r.latestExitDate}`);
  }
  lines.push(`  first violation date: ${r.firstViolationDate ?? 'none'}`);
  return lines;
}

function taxYear(r: TaxYearPresenceRuleResult, place: string): string[] {
  const planned = r.plannedDaysThisTaxYear > 0 ? `, ${r.plannedDaysThisTaxYear} more planned` : '';
  const lines = [`  days this tax year: ${r.daysThisTaxYear}${planned}`];
  if (r.met) lines.push(`  ${reachedOn(r.threshold, r.metOn!)}: met`);
  else if (r.metOn !== null) lines.push(`  ${willReach(r.threshold, place, r.metOn)} (with the planned trips)`);
  else lines.push(`  ${daysShortOf(r.daysRemaining, r.threshold)}: not reached in this tax year, planned trips included`);
  // The last three past years; --json has them all.
  const past = r.byTaxYear.slice(-3);
  if (r.byTaxYear.length > past.length) lines.push(`  past tax years: ${r.byTaxYear.length - past.length} earlier ones in --json`);
  for (const y of past) lines.push(`  past tax years: ${y.taxYearStart} to ${y.taxYearEnd}: ${y.days} days${y.met ? `, met on ${y.metOn}` : ''}`);
  return lines;
}

function weighted(r: WeightedLookbackRuleResult, name: string, weights: readonly string[] | undefined): string[] {
  const year = Number(r.yearStart.slice(0, 4));
  const terms = r.daysByYear.map(
    (d, k) => `${r.yearStart.slice(5) === '01-01' ? year - k : `year from ${year - k}-${r.yearStart.slice(5)}`}: ${d} x ${weights?.[k] ?? '?'}`,
  );
  const lines = [`  ${name}: ${weightedDaysOf(r.weightedDays.display, r.threshold)} (${terms.join(', ')}), ${r.met ? 'met' : 'not met'}`];
  if (r.met) lines.push(`  met on ${r.metOn}`);
  else if (r.metOn !== null) lines.push(`  ${willBeMetOn(r.metOn)} (with the planned trips)`);
  else lines.push(`  ${moreDaysWouldMeet(r.daysRemaining)} (at least ${r.minDaysCurrentYear} this year)`);
  return lines;
}
