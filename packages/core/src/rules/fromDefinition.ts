/**
 * Engine parameters of a validated seed rule row (referenceData.ts `RuleDefinition`): the rows keep their JSON
 * form (`"04-06"`, `"1/3"`) because they are also the Firestore `visaRules` documents; the engines take numbers.
 * Type-only import of the schema types: nothing of zod runs here.
 */
import type { RuleDefinition } from '../referenceData';
import { parseYearStart } from '../dates';
import type { PerStayParams } from './perStay';
import type { RollingWindowParams } from './rollingWindow';
import type { TaxYearPresenceParams } from './taxYearPresence';
import { parseFraction, type WeightedLookbackParams } from './weightedLookback';

type Of<K extends RuleDefinition['kind']> = Extract<RuleDefinition, { kind: K }>;

/** `rolling-window` rows: maxDays, periodDays as they are. */
export function rollingWindowParams(def: Of<'rolling-window'>): RollingWindowParams {
  return { maxDays: def.params.maxDays, periodDays: def.params.periodDays };
}

/** `per-stay` rows: the limit (the bridge countries, `params.continuesThrough`, are the caller's to turn into days). */
export function perStayParams(def: Of<'per-stay'>): PerStayParams {
  return def.params.maxStayDays !== undefined ? { maxStayDays: def.params.maxStayDays } : { maxStayMonths: def.params.maxStayMonths! };
}

/** `tax-year-presence` rows: minDays and the parsed tax-year start (`convention`/`transitException` select the presence). */
export function taxYearPresenceParams(def: Of<'tax-year-presence'>): TaxYearPresenceParams {
  return { minDays: def.params.minDays, yearStart: parseYearStart(def.params.taxYearStart) };
}

/** `weighted-lookback` rows: thresholds, parsed weights and year start. */
export function weightedLookbackParams(def: Of<'weighted-lookback'>): WeightedLookbackParams {
  return {
    minDaysCurrentYear: def.params.minDaysCurrentYear,
    threshold: def.params.threshold,
    weights: def.params.weights.map(parseFraction),
    yearStart: parseYearStart(def.params.yearStart),
  };
}
