/**
 * The chart of the HTML report: days of presence in a rule's region within the period (180 days for Schengen)
 * ending on each date, over the two years up to the evaluation date and on through the planned trips, as an
 * inline SVG (no script, no external resource). Recorded presence and planned trips (presence after the
 * evaluation date) are stacked in two colours; the limit (90) is a dashed line; the evaluation date ("today")
 * a vertical line.
 *
 * The numbers come from the core: {@link rulePresence} and {@link daysInPeriodSeries}, so the chart at the evaluation date equals the report's `daysUsed`.
 */
import { fromDayNumber } from '@travel-time-tracker/core/dates';
import { rulePresence, type PreparedEvaluation } from '@travel-time-tracker/core/evaluate';
import { intersectIntervals, type DayInterval } from '@travel-time-tracker/core/intervals';
import type { VisaRule } from '@travel-time-tracker/core/referenceData';
import { daysInPeriodSeries } from '@travel-time-tracker/core/rules/rollingWindow';
import { esc } from './escape';

/** Days shown before the evaluation date (two years, the evaluation date included). */
export const CHART_PAST_DAYS = 730;

/** The numbers behind one chart. Days are day numbers; `recorded[i]` and `planned[i]` belong to `from + i`. */
export interface ChartSeries {
  ruleId: string;
  maxDays: number;
  periodDays: number;
  from: number;
  to: number;
  asOf: number;
  /** Days of recorded presence (on or before `asOf`) in the period ending on each date. */
  recorded: number[];
  /** Days of planned presence (after `asOf`) in the period ending on each date. */
  planned: number[];
}

/**
 * The series of `rule` (kind `rolling-window`): from `asOf - 729` to 30 days after the last planned day in the
 * region, at least 90 days and at most a year after `asOf` (after `asOf` the recorded days leave the period one
 * by one, which shows when days become free again).
 */
export function chartSeries(prepared: PreparedEvaluation, rule: VisaRule): ChartSeries {
  return chartSeriesOf(prepared, rule.id, rule.params, rulePresence(prepared, rule));
}

/**
 * `chartSeries` of any rolling-window rule (`--rule ID`, a row over a region or over countries) from the days it
 * counts, `p` (sorted runs, recorded and planned, as the rule counts them).
 */
export function chartSeriesOf(
  prepared: PreparedEvaluation,
  ruleId: string,
  params: { maxDays: number; periodDays: number },
  p: readonly DayInterval[],
): ChartSeries {
  const { maxDays, periodDays } = params;
  const asOf = prepared.asOfDay;
  const past = intersectIntervals(p, [{ start: Number.MIN_SAFE_INTEGER, end: asOf }]);
  const future = intersectIntervals(p, [{ start: asOf + 1, end: Number.MAX_SAFE_INTEGER }]);
  const lastPlanned = future.length ? future[future.length - 1]!.end : asOf;
  const from = asOf - (CHART_PAST_DAYS - 1);
  const to = Math.min(asOf + 365, Math.max(asOf + 90, lastPlanned + 30));
  return {
    ruleId,
    maxDays,
    periodDays,
    from,
    to,
    asOf,
    recorded: daysInPeriodSeries(past, from, to, periodDays),
    planned: daysInPeriodSeries(future, from, to, periodDays),
  };
}

const W = 960;
const H = 320;
const M = { left: 44, right: 20, top: 18, bottom: 40 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export const CHART_COLOURS = { recorded: '#2b6cb0', planned: '#dd6b20', limit: '#c53030', today: '#1a202c' } as const;

const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * Outline points of a step series as "x,y" strings, dropping points in the middle of a straight run (a
 * rolling count moves by -1, 0 or +1 a day, so long runs are straight: a 1 100-day series needs a few hundred
 * points).
 */
function outline(values: readonly number[], x: (i: number) => number, y: (v: number) => number): string[] {
  const pts: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const straight = i > 0 && i < values.length - 1 && values[i]! - values[i - 1]! === values[i + 1]! - values[i]!;
    if (!straight) pts.push(`${f1(x(i))},${f1(y(values[i]!))}`);
  }
  return pts;
}

/** The largest of `values`, 0 when empty; a loop, never `Math.max(...values)` (one argument per day overflows the stack). */
function maxOf(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}

/** The SVG element (a string) for `s`; `regionName` as in "days in the Schengen area". */
export function renderChartSvg(s: ChartSeries, regionName: string): string {
  const n = s.to - s.from + 1;
  const total = s.recorded.map((v, i) => v + s.planned[i]!);
  const peak = maxOf(total);
  const yMax = Math.ceil(Math.max(s.maxDays * 1.15, peak * 1.05) / 30) * 30;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const x = (i: number) => M.left + (i / Math.max(1, n - 1)) * plotW;
  const y = (v: number) => M.top + plotH - (v / yMax) * plotH;
  const base = f1(y(0));
  const parts: string[] = [];

  // Horizontal grid and y labels every 30 days.
  for (let v = 0; v <= yMax; v += 30) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${M.left - 6}" y="${f1(y(v) + 4)}" text-anchor="end" font-size="11" fill="#4a5568">${v}</text>`);
  }
  // Month ticks; labels every third month, with the year in January.
  for (let i = 0; i < n; i++) {
    const date = fromDayNumber(s.from + i);
    if (!date.endsWith('-01')) continue;
    const month = Number(date.slice(5, 7)) - 1;
    const xi = f1(x(i));
    parts.push(`<line x1="${xi}" x2="${xi}" y1="${f1(y(0))}" y2="${f1(y(0) + (month % 3 ? 3 : 6))}" stroke="#a0aec0"/>`);
    if (month % 3 === 0) {
      const text = month === 0 ? `${MONTHS[month]} ${date.slice(0, 4)}` : MONTHS[month];
      parts.push(`<text x="${xi}" y="${f1(y(0) + 20)}" text-anchor="middle" font-size="11" fill="#4a5568">${text}</text>`);
    }
  }

  // Recorded area from the baseline; planned area stacked on top of it.
  const rec = outline(s.recorded, x, y);
  parts.push(
    `<polygon class="recorded-area" points="${f1(x(0))},${base} ${rec.join(' ')} ${f1(x(n - 1))},${base}" fill="${CHART_COLOURS.recorded}" fill-opacity="0.75"/>`,
  );
  if (s.planned.some((v) => v > 0)) {
    const top = outline(total, x, y);
    const bottom = outline(s.recorded, x, y).reverse();
    parts.push(`<polygon class="planned-area" points="${top.join(' ')} ${bottom.join(' ')}" fill="url(#planned-hatch-${esc(s.ruleId)})"/>`);
  }

  // The limit and today.
  const yl = f1(y(s.maxDays));
  parts.push(
    `<line class="limit-line" data-days="${s.maxDays}" x1="${M.left}" x2="${W - M.right}" y1="${yl}" y2="${yl}" stroke="${CHART_COLOURS.limit}" stroke-width="2" stroke-dasharray="8 5"/>`,
    `<text x="${W - M.right - 4}" y="${f1(y(s.maxDays) - 6)}" text-anchor="end" font-size="12" font-weight="600" fill="${CHART_COLOURS.limit}">limit: ${s.maxDays} days</text>`,
  );
  const xt = f1(x(s.asOf - s.from));
  const asOf = fromDayNumber(s.asOf);
  parts.push(
    `<line class="today-marker" data-date="${asOf}" x1="${xt}" x2="${xt}" y1="${M.top}" y2="${base}" stroke="${CHART_COLOURS.today}" stroke-width="2"/>`,
    `<text x="${f1(x(s.asOf - s.from) - 5)}" y="${M.top + 12}" text-anchor="end" font-size="12" font-weight="600" fill="${CHART_COLOURS.today}">today ${asOf}: ${s.recorded[s.asOf - s.from]}</text>`,
  );

  const id = esc(s.ruleId);
  const title = `Days in ${regionName} in the ${s.periodDays} days up to each date, ${fromDayNumber(s.from)} to ${fromDayNumber(s.to)}`;
  const desc =
    `Recorded presence peaks at ${maxOf(s.recorded)} days, recorded and planned together at ${peak}; ` +
    `${s.recorded[s.asOf - s.from]} on ${asOf}; the limit is ${s.maxDays}.`;
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title-${id} chart-desc-${id}" ` +
    `data-rule="${id}" data-from="${fromDayNumber(s.from)}" data-to="${fromDayNumber(s.to)}" data-peak-recorded="${maxOf(s.recorded)}" data-peak-total="${peak}" data-peak-after-today="${maxOf(total.slice(s.asOf - s.from + 1))}">` +
    `<title id="chart-title-${id}">${esc(title)}</title><desc id="chart-desc-${id}">${esc(desc)}</desc>` +
    `<defs><pattern id="planned-hatch-${id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" fill="${CHART_COLOURS.planned}" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="6" stroke="${CHART_COLOURS.planned}" stroke-width="3"/></pattern></defs>` +
    `<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" fill="#ffffff"/>` +
    parts.join('') +
    `<line x1="${M.left}" x2="${W - M.right}" y1="${base}" y2="${base}" stroke="#4a5568"/>` +
    `</svg>`
  );
}
