/**
 * The report's words about what its figures rest on ({@link PresenceEvidence}): the "history ends" line shown when the
 * evaluation date is more than a week after the last record, and the note beside a verdict that depends on
 * assumed days. Shared by the text report and the HTML page.
 */
import { assumedSinceLastRecord, evidenceSummary, type PresenceEvidence } from '@travel-time-tracker/core/evidence';
import { fromDayNumber } from '@travel-time-tracker/core/dates';
import type { ReferenceData } from '@travel-time-tracker/core/referenceData';
import type { RuleResult } from '@travel-time-tracker/core/ruleResults';

/** Days after the last record before the report says the history has ended (a week of travel not yet logged is normal). */
export const HISTORY_ENDS_AFTER_DAYS = 7;

const MODE_WORDS: Record<string, string> = { flight: 'flight', train: 'train', bus: 'bus', ferry: 'ferry', car: 'drive' };

/**
 * "Your history ends on 2026-07-24 (flight to FNC, Portugal); the 138 days since are assumed in Portugal: add
 * your return flight", or null when the last record is at most {@link HISTORY_ENDS_AFTER_DAYS} days old (or
 * there is none, or a later record supports the days since). Under `--assumed exclude` the days are said to be left out instead.
 */
export function historyEndsLine(evidence: PresenceEvidence, assumed: 'count' | 'exclude', ref: ReferenceData | undefined): string | null {
  const summary = evidenceSummary(evidence);
  const last = evidence.lastRecord;
  if (!last || summary.daysSinceLastRecord === null || summary.daysSinceLastRecord <= HISTORY_ENDS_AFTER_DAYS) return null;
  // Days a later record supports (a planned departure from the same country) are not a history that ended.
  const n = assumedSinceLastRecord(evidence);
  if (n === 0) return null;
  const country = ref?.countryName(last.country) ?? last.country;
  const mode = MODE_WORDS[last.mode] ?? 'trip';
  const to = last.airport ? `${last.airport}, ${country}` : country;
  const days = n === 1 ? 'the day since is' : `the ${n} days since are`;
  const how = assumed === 'exclude' ? `${days} not counted (--assumed exclude)` : `${days} assumed in ${country}`;
  return `Your history ends on ${fromDayNumber(last.day)} (${mode} to ${to}); ${how}: add your ${last.mode === 'flight' ? 'return flight' : 'next journey'}`;
}

/**
 * "based on 122 assumed days in NL, 2017-03-27 to 2017-07-27 (no record between the arrival in NL and a departure
 * from GB)", for a result whose verdict depends on assumed days; null otherwise.
 */
export function assumptionNote(r: Pick<RuleResult, 'dependsOnAssumption' | 'assumption'>): string | null {
  if (!r.dependsOnAssumption) return null;
  const a = r.assumption;
  if (!a) return 'based on assumed days (leaving them out changes this verdict)';
  const why =
    a.kind === 'gap'
      ? `no record between the arrival in ${a.country} and the next departure, from ${a.nextCountry}`
      : `no record after the arrival in ${a.country}`;
  return `based on ${a.assumedDays} assumed day${a.assumedDays === 1 ? '' : 's'} in ${a.country}, ${a.from} to ${a.to} (${why})`;
}
