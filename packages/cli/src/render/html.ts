/**
 * `--html FILE`: the report as one self-contained HTML page, to open in a browser or send to someone. No
 * script, no font, no image or style sheet from anywhere: everything is inline, and a Content-Security-Policy
 * (`default-src 'none'`) makes a browser refuse any request the page might still make. Sections: the status of
 * each rule in words (the default rules, or the rules chosen with `--rule ID` / `--rules all`, every kind, each
 * with its outputs folded), a rolling-window rule's chart ({@link renderChartSvg}), days per country per year
 * ({@link yearTable}), the stays (folded), the warnings by kind ({@link groupWarnings}) and the import summary. Every
 * text from the input or the reference data (file name, warnings, skip reasons, rule names) is escaped.
 */
import * as path from 'node:path';
import { daysBetween } from '@travel-time-tracker/core/dates';
import type { PreparedEvaluation } from '@travel-time-tracker/core/evaluate';
import type { ReferenceData } from '@travel-time-tracker/core/referenceData';
import { definitionDays, type RuleResult } from '@travel-time-tracker/core/ruleResults';
import type { Stay } from '@travel-time-tracker/core/stays';
import type { ReportOutput } from '../reportShapes';
import { CHART_COLOURS, chartSeries, chartSeriesOf, renderChartSvg, type ChartSeries } from './chart';
import { esc } from './escape';
import { placeOf } from '@travel-time-tracker/core/ruleWording';
import { renderRuleResult } from './rules';
import { assumptionNote, historyEndsLine } from './evidence';
import { yearTable } from './table';
import { stayCounts } from './text';
import { groupWarnings, warningFiles } from './warnings';
import { segmentsRead } from './imports';

export interface HtmlInput {
  report: ReportOutput;
  prepared: PreparedEvaluation;
  stays: readonly Stay[];
  /** The input files (their base names are shown). */
  files: readonly string[];
  reference: ReferenceData | undefined;
}

/** Dates in a sentence as `<time>` elements, which the style keeps on one line. */
const dates = (html: string) => html.replace(/\d{4}-\d\d-\d\d/g, (d) => `<time datetime="${d}">${d}</time>`);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The status of one rolling-window rule in sentences: where the traveller stands on the evaluation date and what
 * follows. `def.where` names the place in a sentence ("the Schengen area", "Türkiye").
 */
export function statusSentences(rule: ReportOutput['rules'][number], def: { maxDays: number; periodDays: number; where: string }, asOf: string): string[] {
  const where = def.where;
  const period = `the ${def.periodDays} days from ${rule.windowStart} to ${asOf}`;
  const out: string[] = [];
  if (!rule.applies) {
    return [
      `This rule does not apply to you: ${rule.reason ?? 'an exempt nationality'}. For the record, ${plural(rule.daysUsed + (rule.exemptDaysExcluded ?? 0), 'day')} in ${where} in ${period}.`,
    ];
  }
  if (rule.overstayDays > 0) {
    out.push(`Over the limit: ${plural(rule.daysUsed, 'day')} in ${where} in ${period}, ${rule.overstayDays} more than the ${def.maxDays} allowed.`);
  } else {
    out.push(`${rule.daysUsed} of ${def.maxDays} days used in ${where} in ${period}: ${plural(rule.daysRemaining, 'day')} left.`);
  }
  if (rule.permitDaysExcluded > 0) {
    out.push(`${plural(rule.permitDaysExcluded, 'day')} under a residence permit or long-stay visa are not counted.`);
  }
  if (rule.latestExitDate) {
    // Earlier than the days left allow: a longer stay would push a planned trip over the limit.
    const byPlans = daysBetween(asOf, rule.latestExitDate) + 1 < rule.daysRemaining;
    out.push(`Staying in ${where} from ${asOf} on, you must leave by ${rule.latestExitDate}${byPlans ? ' to keep the planned trips within the limit' : ''}.`);
  } else {
    out.push(
      `Staying in ${where} on ${asOf} would break the rule${rule.firstViolationDate && rule.firstViolationDate > asOf ? ', given the planned trips' : ''}.`,
    );
  }
  if (rule.nextEntryDate && rule.nextEntryDate !== asOf) out.push(`The next date you may enter for a day is ${rule.nextEntryDate}.`);
  if (rule.firstViolationDate) {
    out.push(
      rule.firstViolationDate > asOf
        ? `The planned trips would break the rule on ${rule.firstViolationDate}.`
        : `The rule was broken on ${rule.firstViolationDate}: more than ${def.maxDays} days in the ${def.periodDays} days up to that date.`,
    );
  }
  return out;
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a202c; background: #f7fafc; margin: 0; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 26px; margin: 0 0 2px; }
h2 { font-size: 19px; margin: 28px 0 8px; }
.sub { color: #4a5568; margin: 0 0 12px; }
.card { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 14px 18px; margin: 12px 0; }
.verdict { font-size: 18px; font-weight: 600; margin: 0 0 6px; }
.verdict.ok { color: #276749; } .verdict.over { color: #c53030; } .verdict.info { color: #2c5282; }
.card p { margin: 4px 0; } time { white-space: nowrap; } .card h2 { margin-top: 4px; }
figure { margin: 10px 0 0; } svg.chart { width: 100%; height: auto; display: block; }
figcaption { color: #4a5568; font-size: 13px; margin-top: 6px; }
.key { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
.key.line { height: 0; border-top: 2px dashed; } .key.today { width: 0; height: 14px; border-left: 2px solid; }
table { border-collapse: collapse; background: #fff; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #edf2f7; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid #cbd5e0; } tbody tr:nth-child(even) { background: #f7fafc; }
td.earlier, th.earlier { color: #4a5568; border-right: 1px solid #e2e8f0; }
table.outputs th { text-align: left; font-weight: normal; } table.outputs td { text-align: left; }
details.outputs { margin-top: 8px; } details.outputs summary { color: #4a5568; font-size: 13px; cursor: pointer; }
.note { color: #4a5568; font-size: 13px; }
ul.warnings > li { margin-bottom: 8px; } ul.warnings ul { margin: 2px 0; color: #4a5568; font-size: 13px; }
.fix { font-size: 13px; } code { font-size: 13px; }
.history-ends, .assumed { background: #fffbea; border-left: 4px solid #d69e2e; padding: 6px 10px; }
footer { color: #718096; font-size: 12px; margin-top: 32px; }
`;

/** A rolling-window rule's card: the status in sentences and its chart. */
function rollingWindowCard(
  rule: ReportOutput['rules'][number],
  name: string,
  def: { maxDays: number; periodDays: number; where: string },
  series: ChartSeries,
  asOf: string,
  outputs = '',
): string {
  const [verdict, ...rest] = statusSentences(rule, def, asOf);
  return (
    `<section class="card rule" data-rule="${esc(rule.ruleId)}" data-kind="rolling-window"><h2>${esc(name)}</h2>` +
    `<p class="verdict ${rule.applies && (rule.overstayDays > 0 || (rule.firstViolationDate ?? '') > asOf) ? 'over' : 'ok'}">${dates(esc(verdict!))}</p>` +
    assumed(rule) +
    rest.map((x) => `<p>${dates(esc(x))}</p>`).join('') +
    `<figure>${renderChartSvg(series, def.where)}<figcaption>` +
    `Days in ${esc(def.where)} in the ${def.periodDays} days up to each date.` +
    `<span class="key" style="background:${CHART_COLOURS.recorded}"></span>recorded` +
    `<span class="key" style="background:${CHART_COLOURS.planned};opacity:.6"></span>planned trips (after ${esc(asOf)})` +
    `<span class="key line" style="border-color:${CHART_COLOURS.limit}"></span>limit` +
    `<span class="key today" style="border-color:${CHART_COLOURS.today}"></span>today` +
    `</figcaption></figure>${outputs}</section>`
  );
}

/** The note beside a verdict that depends on assumed days ({@link assumptionNote}), or nothing. */
function assumed(rule: ReportOutput['rules'][number]): string {
  const note = rule.applies ? assumptionNote(rule) : null;
  return note ? `<p class="assumed">${dates(esc(sentence(note)))}</p>` : '';
}

/**
 * The card of a rule chosen with `--rule` / `--rules all`, of any kind: its name, its limit or threshold, the
 * status in sentences ({@link renderRuleResult}, the text report's lines as sentences; for a rolling window the default
 * rule's sentences and chart) and every output of the kind (`--json`'s names) in a folded table.
 * The verdict is red for a limit broken now or by the planned trips; a threshold (tax-year presence, weighted
 * look-back) is neither kept nor broken, so its verdict is neutral.
 */
function ruleCard(rule: RuleResult, prepared: PreparedEvaluation, asOf: string, ref: ReferenceData | undefined): string {
  const def = prepared.reference.definition(rule.ruleId);
  const name = def?.name ?? rule.ruleId;
  const outputs = outputsTable(rule);
  if (rule.kind === 'rolling-window' && def?.kind === 'rolling-window') {
    const where = placeOf(def, ref);
    return rollingWindowCard(rule, name, { ...def.params, where }, chartSeriesOf(prepared, def.id, def.params, definitionDays(prepared, def)), asOf, outputs);
  }
  const [header = '', ...lines] = renderRuleResult(rule, def, asOf, ref);
  const limit = header.startsWith(`${name}: `) ? header.slice(name.length + 2) : header;
  const sentences = lines.map((l) => sentence(l.trim().replace(/^does not apply: /, 'This rule does not apply to you: ')));
  const over = rule.kind === 'per-stay' && rule.applies && (rule.overstayDays > 0 || (rule.firstViolationDate ?? '') > asOf);
  const tone = rule.kind === 'per-stay' ? (over ? 'over' : 'ok') : 'info';
  const [verdict = '', ...rest] = sentences;
  return (
    `<section class="card rule" data-rule="${esc(rule.ruleId)}" data-kind="${esc(rule.kind)}"><h2>${esc(name)}</h2>` +
    `<p class="sub">${dates(esc(sentence(limit)))}</p>` +
    `<p class="verdict ${tone}">${dates(esc(verdict))}</p>` +
    rest.map((x) => `<p>${dates(esc(x))}</p>`).join('') +
    `${outputs}</section>`
  );
}

/** A line of the text report as a sentence: capital first letter, a full stop at the end. */
function sentence(line: string): string {
  const t = line.charAt(0).toUpperCase() + line.slice(1);
  return /[.:!?]$/.test(t) ? t : `${t}.`;
}

/** One output value in words: none, yes/no, lists joined, exact weighted days with their fraction. */
function outputValue(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.length ? v.map(outputValue).join(v.some((x) => typeof x === 'object') ? '; ' : ', ') : 'none';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.display === 'string' && typeof o.numerator === 'number' && typeof o.denominator === 'number')
      return `${o.display} (${o.numerator}/${o.denominator})`;
    return Object.entries(o)
      .map(([k, x]) => `${k} ${outputValue(x)}`)
      .join(', ');
  }
  // Outputs are JSON values: what is left is a string or a number.
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** Every output of a rule entry (not its id, kind, applies, reason), under its `--json` name, folded. */
function outputsTable(rule: RuleResult): string {
  const { ruleId: _i, kind: _k, applies: _a, reason: _r, ...outputs } = rule;
  const rows = Object.entries(outputs).map(([k, v]) => `<tr><th><code>${esc(k)}</code></th><td>${dates(esc(outputValue(v)))}</td></tr>`);
  return `<details class="outputs"><summary>All numbers (as in <code>--json</code>)</summary><table class="outputs"><tbody>${rows.join('')}</tbody></table></details>`;
}

/** The whole page. */
export function renderHtml(input: HtmlInput): string {
  const { report: r, prepared, stays, reference: ref } = input;
  const name = (c: string) => ref?.countryName(c) ?? c;
  const file = input.files.map((f) => path.basename(f)).join(', ');
  const body: string[] = [];
  body.push(`<h1>Travel report</h1><p class="sub">${esc(file)} · as of ${esc(r.asOf)}</p>`);
  const ends = prepared.evidence ? historyEndsLine(prepared.evidence, prepared.assumed, ref) : null;
  if (ends) body.push(`<p class="history-ends">${dates(esc(sentence(ends)))}</p>`);

  // The rules chosen with --rule / --rules all replace the default ones, as in the text report.
  if (r.ruleResults) for (const rule of r.ruleResults) body.push(ruleCard(rule, prepared, r.asOf, ref));
  else {
    for (const rule of r.rules) {
      const def = prepared.rules.find((x) => x.id === rule.ruleId);
      if (!def || def.kind !== 'rolling-window') continue;
      body.push(rollingWindowCard(rule, def.name, { ...def.params, where: placeOf({ region: def.region }, ref) }, chartSeries(prepared, def), r.asOf));
    }
  }

  const t = yearTable(r.countryDays, r.countryDaysByYear);
  const cell = (n: number) => (n ? String(n) : '');
  body.push(
    `<h2>Days per country</h2><p class="note">${plural(t.rows.length, 'country', 'countries')}, up to ${esc(r.asOf)}; the day of a border crossing counts in both countries.</p>`,
  );
  body.push(
    `<table class="years"><thead><tr><th>Country</th><th>Total</th>${t.earlier ? `<th class="earlier" title="${esc(`${t.earlier.from} to ${t.earlier.to}`)}">Earlier</th>` : ''}` +
      `${t.years.map((y) => `<th>${esc(y)}</th>`).join('')}</tr></thead><tbody>` +
      t.rows
        .map(
          (row) =>
            `<tr><td>${esc(row.country)} ${esc(name(row.country))}</td><td>${row.total}</td>${t.earlier ? `<td class="earlier">${cell(row.earlier)}</td>` : ''}` +
            `${row.perYear.map((n) => `<td>${cell(n)}</td>`).join('')}</tr>`,
        )
        .join('') +
      `</tbody></table>`,
  );
  if (t.earlier) body.push(`<p class="note">Earlier: ${esc(t.earlier.from === t.earlier.to ? t.earlier.from : `${t.earlier.from} to ${t.earlier.to}`)}.</p>`);

  const c = stayCounts(stays);
  body.push(
    `<details><summary><h2 style="display:inline">Stays</h2> (${plural(stays.length, 'stay')}: ${c.counted} up to ${esc(r.asOf)}, ${c.transit} transit, ${c.planned} planned)</summary>` +
      `<table class="stays"><thead><tr><th>Country</th><th>From</th><th>To</th><th>Days</th><th>Note</th></tr></thead><tbody>` +
      stays
        .map(
          (s) =>
            `<tr><td>${esc(s.country)} ${esc(name(s.country))}</td><td>${s.from}</td><td>${s.to}</td><td>${s.days}</td>` +
            `<td>${s.transit ? 'transit: airside, not counted' : s.planned ? 'planned' : ''}</td></tr>`,
        )
        .join('') +
      `</tbody></table></details>`,
  );

  // Every warning and every skipped row is listed, each kind folded in its own <details> (a file can have thousands).
  const groups = groupWarnings(r.warnings, Number.POSITIVE_INFINITY, warningFiles(r));
  if (groups.length) {
    body.push(`<h2>Warnings</h2><ul class="warnings">`);
    for (const g of groups) {
      body.push(
        `<li><details><summary><strong>${esc(g.title)}</strong></summary><ul>${g.examples.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></details>` +
          `${g.fix ? `<div class="fix">Fix: ${esc(g.fix)}</div>` : ''}</li>`,
      );
    }
    body.push(`</ul>`);
  }

  for (const i of r.imports ?? []) {
    const named = (r.imports ?? []).length > 1 ? ` ${esc(path.basename(i.file))}` : '';
    body.push(`<h2>Import${named}</h2><p>Format ${esc(i.format)}: ${plural(i.rows, 'row')}, ${esc(segmentsRead(i))}, ${i.skipped.length} skipped.</p>`);
    if (i.skipGroups.length) {
      body.push(`<ul class="warnings">`);
      for (const g of i.skipGroups) {
        // Reasons usually start with their row already ("row 18: cancelled flight").
        const reasons = i.skipped.filter((s) => s.kind === g.kind).map((s) => (s.reason.startsWith(`row ${s.row}: `) ? s.reason : `row ${s.row}: ${s.reason}`));
        body.push(
          `<li><details><summary><strong>${esc(g.message)}</strong></summary><ul>${reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></details></li>`,
        );
      }
      body.push(`</ul>`);
    }
  }
  body.push(`<footer>Made by <code>travel-days report</code> on ${esc(file)}. Days are local calendar dates at the place.</footer>`);

  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>Travel report · ${esc(file)} · ${esc(r.asOf)}</title><style>${STYLE}</style></head>\n` +
    `<body><main>\n${body.join('\n')}\n</main></body></html>\n`
  );
}
