/**
 * Engine parameters of a validated seed rule row ({@link RuleDefinition}): the rows keep their JSON
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

/**
 * `rolling-window` rows: maxDays, periodDays as they are.
 * @example
 * rollingWindowParams(loadReferenceData().definition('schengen-90-180')) //=> { maxDays: 90, periodDays: 180 }
 */
export function rollingWindowParams(def: Of<'rolling-window'>): RollingWindowParams {
  return { maxDays: def.params.maxDays, periodDays: def.params.periodDays };
}

/**
 * `per-stay` rows: the limit (the bridge countries, `params.continuesThrough`, are the caller's to turn into days).
 * @example
 * perStayParams(loadReferenceData().definition('uk-visitor-6-months')) //=> { maxStayMonths: 6 }
 */
export function perStayParams(def: Of<'per-stay'>): PerStayParams {
  return def.params.maxStayDays !== undefined ? { maxStayDays: def.params.maxStayDays } : { maxStayMonths: def.params.maxStayMonths! };
}

/**
 * `tax-year-presence` rows: minDays and the parsed tax-year start (`convention`/`transitException` select the presence).
 * @example
 * taxYearPresenceParams(loadReferenceData().definition('uk-srt-183')) //=> { minDays: 183, yearStart: { month: 4, day: 6 } }
 */
export function taxYearPresenceParams(def: Of<'tax-year-presence'>): TaxYearPresenceParams {
  return { minDays: def.params.minDays, yearStart: parseYearStart(def.params.taxYearStart) };
}

/**
 * `weighted-lookback` rows: thresholds, parsed weights and year start.
 * @example
 * const params = weightedLookbackParams(loadReferenceData().definition('us-substantial-presence'))
 * params.weights //=> [{ numerator: 1, denominator: 1 }, { numerator: 1, denominator: 3 }, { numerator: 1, denominator: 6 }]
 * params.threshold //=> 183
 */
export function weightedLookbackParams(def: Of<'weighted-lookback'>): WeightedLookbackParams {
  return {
    minDaysCurrentYear: def.params.minDaysCurrentYear,
    threshold: def.params.threshold,
    weights: def.params.weights.map(parseFraction),
    yearStart: parseYearStart(def.params.yearStart),
  };
}
