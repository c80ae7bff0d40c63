/**
 * The record encoding of the timeline (Firebase-free): one line per segment id, fields separated by tabs
 * (`encodeEntry`, `decodeEntry`), as the timeline documents `users/{uid}/timeline/{head|s1...}` store them.
 *
 * ## Records
 * - live, compact: `L ver id src dep delta depCountry arrCountry modeTransit depTime arrTime depAirport arrAirport`
 *   (`dep` = departure date `YYYYMMDD`, `delta` = arrival date minus departure date in days, empty for 0; times
 *   `HHMM`; `modeTransit` = `f t c b y o` for flight, train, car, bus, ferry, other, upper case when `transit: true`,
 *   followed by `0` when `transit: false`; trailing empty fields left out);
 * - live, any other content (a document that breaks the segment schema, kept so that its warning is still given):
 *   `J ver id src json`;
 * - deleted (a tombstone): `D ver id`; refused by the segment cap: `X ver id`.
 * `ver` is the version: the commit time of the write the record reflects, in microseconds since the epoch, base 36;
 * for a tombstone, the commit time of the write the delete removed (the delete's `before.updateTime`).
 * `src` is empty for `manual`, else the base-36 index of the import id in the head's `sources`. Ids of the form
 * `imp-` + 24 hex digits are written `!` + 16 base64url characters; `% ! tab newline CR` in any value are escaped
 * `%XX`. Free text (`notes`, `flightNumber`, `purpose`, `entryPoint`) and bookkeeping (`createdAt`, `updatedAt`) are
 * not kept: they never change a day count.
 */
import { daysBetween, addDays } from '@travel-time-tracker/core/dates';
import { COUNTED_FIELDS, FREE_TEXT_FIELDS, isTravelDate } from '@travel-time-tracker/core/segment';

/**
 * Most bytes of one compact live record (`L`, newline included) with an id of `MAX_SEGMENT_ID_LENGTH` characters:
 * kind 1, version 11, id 128, source index 4, date 8, date delta 2, countries 2 + 2, mode 2, times 4 + 4, airports
 * 4 + 4, 12 tabs, newline 1 = 189, rounded up.
 */
export const MAX_LIVE_RECORD_BYTES = 200;

/** Source value of segments the app writes (anything else is an import id). */
export const MANUAL_SOURCE = 'manual';
const MANUAL = MANUAL_SOURCE;

/** Fields of a segment document a record leaves out: bookkeeping and free text ({@link FREE_TEXT_FIELDS}). */
const LEFT_OUT = new Set(['source', 'createdAt', 'updatedAt', ...FREE_TEXT_FIELDS]);

export type TimelineEntry =
  { kind: 'live'; id: string; version: number; source: string; data: Record<string, unknown> } | { kind: 'deleted' | 'refused'; id: string; version: number };

/** A timeline that cannot be read (bad schema, a listed shard missing, an id twice): rebuild it (`repairTimeline`). */
export class TimelineCorruptError extends Error {
  constructor(message: string) {
    super(`the timeline is unreadable: ${message}`);
    this.name = 'TimelineCorruptError';
  }
}

const ESCAPED = /[%!\t\n\r]/g;
const ESCAPED_TEST = /[%!\t\n\r]/;
function esc(s: string): string {
  return ESCAPED_TEST.test(s) ? s.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : s;
}
function unesc(s: string): string {
  return s.includes('%') ? s.replace(/%([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : s;
}

const IMPORT_ID = /^imp-[0-9a-f]{24}$/;
function encodeId(id: string): string {
  return IMPORT_ID.test(id) ? `!${Buffer.from(id.slice(4), 'hex').toString('base64url')}` : esc(id);
}
function decodeId(s: string): string {
  return s.startsWith('!') ? `imp-${Buffer.from(s.slice(1), 'base64url').toString('hex')}` : unesc(s);
}

const MODE_CODE: Record<string, string> = { flight: 'f', train: 't', car: 'c', bus: 'b', ferry: 'y', other: 'o' };
const CODE_MODE: Record<string, string> = Object.fromEntries(Object.entries(MODE_CODE).map(([m, c]) => [c, m]));
const COUNTRY = /^[A-Z]{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const AIRPORT = /^[A-Z0-9]{3,4}$/;

/** The kept fields of a segment document (those that can change a day count, {@link COUNTED_FIELDS}); unknown fields are kept too (they make it invalid). */
export function timelineFieldsOf(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!LEFT_OUT.has(k) && v !== undefined) out[k] = v;
  return out;
}

function compactable(d: Record<string, unknown>): boolean {
  for (const k of Object.keys(d)) if (!COUNTED_FIELDS.has(k)) return false;
  const str = (v: unknown, re: RegExp) => typeof v === 'string' && re.test(v);
  const opt = (v: unknown, re: RegExp) => v === undefined || str(v, re);
  return (
    str(d.departureCountry, COUNTRY) &&
    str(d.arrivalCountry, COUNTRY) &&
    isTravelDate(d.departureDate) &&
    isTravelDate(d.arrivalDate) &&
    typeof d.mode === 'string' &&
    MODE_CODE[d.mode] !== undefined &&
    (d.transit === undefined || typeof d.transit === 'boolean') &&
    opt(d.departureTime, TIME) &&
    opt(d.arrivalTime, TIME) &&
    opt(d.departureAirport, AIRPORT) &&
    opt(d.arrivalAirport, AIRPORT)
  );
}

function trimTrailing(fields: string[]): string[] {
  let n = fields.length;
  while (n > 0 && fields[n - 1] === '') n -= 1;
  return fields.slice(0, n);
}

/** One record line (no newline). `sourceIndex` maps an import id to its index in the head's `sources`. */
export function encodeEntry(e: TimelineEntry, sourceIndex: (source: string) => number): string {
  const ver = e.version.toString(36);
  const id = encodeId(e.id);
  if (e.kind !== 'live') return `${e.kind === 'deleted' ? 'D' : 'X'}\t${ver}\t${id}`;
  const src = e.source === MANUAL ? '' : sourceIndex(e.source).toString(36);
  const d = e.data;
  if (!compactable(d)) return `J\t${ver}\t${id}\t${src}\t${esc(JSON.stringify(d))}`;
  const dep = d.departureDate as string;
  const delta = daysBetween(dep, d.arrivalDate as string);
  const mode = MODE_CODE[d.mode as string] as string;
  const mt = d.transit === true ? mode.toUpperCase() : d.transit === false ? `${mode}0` : mode;
  const hhmm = (t: unknown) => (typeof t === 'string' ? t.slice(0, 2) + t.slice(3) : '');
  return trimTrailing([
    'L',
    ver,
    id,
    src,
    dep.slice(0, 4) + dep.slice(5, 7) + dep.slice(8),
    delta === 0 ? '' : String(delta),
    d.departureCountry as string,
    d.arrivalCountry as string,
    mt,
    hhmm(d.departureTime),
    hhmm(d.arrivalTime),
    (d.departureAirport as string | undefined) ?? '',
    (d.arrivalAirport as string | undefined) ?? '',
  ]).join('\t');
}

/** Parses one record line; throws TimelineCorruptError for a line that is not a record. */
export function decodeEntry(line: string, sources: readonly string[]): TimelineEntry {
  const f = line.split('\t');
  const kind = f[0];
  const version = /^[0-9a-z]{1,11}$/.test(f[1] ?? '') ? parseInt(f[1]!, 36) : NaN;
  const rawId = f[2];
  const minFields = kind === 'L' ? 9 : kind === 'J' ? 5 : 3;
  if (!Number.isSafeInteger(version) || rawId === undefined || rawId === '' || f.length < minFields) {
    throw new TimelineCorruptError(`bad record "${line.slice(0, 80)}"`);
  }
  const id = decodeId(rawId);
  if (kind === 'D') return { kind: 'deleted', id, version };
  if (kind === 'X') return { kind: 'refused', id, version };
  const srcField = f[3] ?? '';
  let source = MANUAL;
  if (srcField !== '') {
    const s = sources[parseInt(srcField, 36)];
    if (s === undefined) throw new TimelineCorruptError(`record of ${id} names source ${srcField}, not in the head's sources`);
    source = s;
  }
  if (kind === 'J') {
    const data = JSON.parse(unesc(f[4] ?? '{}')) as Record<string, unknown>;
    return { kind: 'live', id, version, source, data };
  }
  if (kind !== 'L') throw new TimelineCorruptError(`bad record kind in "${line.slice(0, 80)}"`);
  const dep8 = f[4] ?? '';
  const departureDate = `${dep8.slice(0, 4)}-${dep8.slice(4, 6)}-${dep8.slice(6, 8)}`;
  const delta = f[5] ? Number(f[5]) : 0;
  const mt = f[8] ?? '';
  const modeChar = (mt[0] ?? '').toLowerCase();
  const data: Record<string, unknown> = {
    departureCountry: f[6],
    arrivalCountry: f[7],
    departureDate,
    arrivalDate: delta === 0 ? departureDate : addDays(departureDate, delta),
    mode: CODE_MODE[modeChar],
  };
  if (mt.length === 2) data.transit = false;
  else if (mt[0] !== undefined && mt[0] !== modeChar) data.transit = true;
  const time = (t: string | undefined) => (t ? `${t.slice(0, 2)}:${t.slice(2)}` : undefined);
  if (f[9]) data.departureTime = time(f[9]);
  if (f[10]) data.arrivalTime = time(f[10]);
  if (f[11]) data.departureAirport = f[11];
  if (f[12]) data.arrivalAirport = f[12];
  return { kind: 'live', id, version, source, data };
}
