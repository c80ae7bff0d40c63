/**
 * Resolution: each row a format reader produced becomes a segment or a skipped row with its reason. Airports are
 * looked up (or the countries the file gives are taken), local dates placed through the airports' time zones,
 * cancelled and other people's flights skipped, repeats of an earlier row or of a stored segment marked as
 * duplicates, flight numbers and free text checked ({@link parseFlightNumber}, {@link parseNote}), and the segment validated by zod; at the end
 * the layover pass ({@link markLayovers}) and the result with its warnings.
 */
import { toDayNumber } from '@travel-time-tracker/core/dates';
import { SEGMENT_LIMITS, SegmentSchema, type Segment } from '@travel-time-tracker/core/segment';
import { localToUtc, todayIn, utcToLocal } from '@travel-time-tracker/core/timeZones';
import { describeZodError } from '@travel-time-tracker/core/validation';
import { distanceKm, lookupAirport, type AirportInfo } from './airports';
import { EndResolver, MAX_AVERAGE_KMH, spanDays, tooFast } from './ends';
import type { DetectedEncoding } from './encoding';
import { markLayovers, type FlightMeta } from './layovers';
import type { ExistingSegment, ImportOptions } from './options';
import { arrivalFromLocalTimes } from './time';
import { ImportFileError, type FlightRecord, type ImportResult, type ImportedSegment, type ParsedRow, type SkippedRow } from './types';
import { capMessage } from './text';
import { parseFlightNumber, parseNote } from './storedText';
import { skipKind } from './skipReasons';
import { journeyKey } from './journeys';

/** Rows between two `onProgress` calls. */
export const PROGRESS_EVERY = 1000;
/** Flights at least this long (great-circle km) may land on another local date; flagged when dates are assumed. */
export const LONG_HAUL_KM = 3000;
/**
 * The fastest a flight is assumed to go when bounding its earliest landing (km/h, great circle): above the
 * 1 100 km/h at which a flight with both times is flagged ({@link MAX_AVERAGE_KMH}), so that the bound never
 * moves a real landing to a later date.
 */
export const MAX_PLAUSIBLE_KMH = 1200;
/** Per-row warnings kept in a result; the rest are counted in one closing warning. */
export const MAX_ROW_WARNINGS = 200;

/** The rows of one import, resolved one by one (`add`), then the result (`finish`). */
export class Collector {
  private rows = 0;
  private readonly segments: ImportedSegment[] = [];
  private readonly skipped: SkippedRow[] = [];
  private readonly metas: FlightMeta[] = [];
  private readonly rowWarnings: string[] = [];
  private readonly fileWarnings: string[] = [];
  private droppedWarnings = 0;
  private readonly euroAirportRows: number[] = [];
  private readonly assumedDateRows: number[] = [];
  private readonly twoDigitYearRows: number[] = [];
  /** date|from|to -> departure times seen ('' = none) with the row they came from (0 = already imported). */
  private readonly seen = new Map<string, { time: string; row: number }[]>();
  private readonly ends = new EndResolver();
  /** Day number of the import date (flights after it are planned). */
  private readonly importDay: number;
  private readonly layoverMs: number;

  constructor(
    private readonly format: ImportResult['format'],
    private readonly opts: ImportOptions,
    existing: readonly ExistingSegment[],
    private readonly encoding: () => DetectedEncoding,
  ) {
    this.importDay = toDayNumber(opts.importDate ?? todayIn('UTC'));
    this.layoverMs = (opts.layoverHours ?? 24) * 3_600_000;
    for (const s of existing) {
      const from = s.departureAirport ? (lookupAirport(s.departureAirport)?.code ?? s.departureAirport) : undefined;
      const to = s.arrivalAirport ? (lookupAirport(s.arrivalAirport)?.code ?? s.arrivalAirport) : undefined;
      if ((!from || !to) && (!s.departureCountry || !s.arrivalCountry || !s.mode)) continue;
      this.remember(journeyKey(s.departureDate, from, to, s.departureCountry ?? '', s.arrivalCountry ?? '', s.mode ?? ''), s.departureTime ?? '', 0);
    }
  }

  add(parsed: ParsedRow): void {
    this.rows++;
    if (this.opts.maxRows !== undefined && this.rows > this.opts.maxRows) {
      throw new ImportFileError(`the file has more than ${this.opts.maxRows} flight rows, the most one import accepts`);
    }
    // Reasons quote cells; capMessage keeps them short (a cell can hold 100 000 characters).
    if (parsed.kind === 'skip') {
      const kind = parsed.twoDigitYear ? 'two-digit-year' : skipKind(parsed.reason);
      this.skipped.push({ row: parsed.row, reason: capMessage(parsed.reason), kind });
      if (parsed.twoDigitYear) this.twoDigitYearRows.push(parsed.row);
    } else {
      const r = parsed.record;
      const outcome = this.resolve(r);
      if (outcome) {
        const duplicate = typeof outcome !== 'string';
        const reason = capMessage(duplicate ? outcome.duplicate : outcome);
        const countries = [r.fromCountry, r.toCountry].filter((c): c is string => c !== undefined);
        const skip: SkippedRow = { row: r.row, reason, kind: skipKind(reason, duplicate), date: r.departureDate };
        if (countries.length) skip.countries = countries;
        if (duplicate) skip.duplicate = true;
        this.skipped.push(skip);
      }
    }
    if (this.opts.onProgress && this.rows % PROGRESS_EVERY === 0) this.opts.onProgress(this.rows);
  }

  /** A warning about the file rather than one row (e.g. a stray quote); kept whatever MAX_ROW_WARNINGS says. */
  fileWarning(message: string): void {
    this.fileWarnings.push(capMessage(message));
  }

  private warn(row: number, message: string): void {
    if (this.rowWarnings.length < MAX_ROW_WARNINGS) this.rowWarnings.push(capMessage(`row ${row}: ${message}`));
    else this.droppedWarnings++;
  }

  private remember(key: string, time: string, row: number): void {
    const list = this.seen.get(key);
    if (list) list.push({ time, row });
    else this.seen.set(key, [{ time, row }]);
  }

  /**
   * The country of one side of a row: the airport's, checked against the country the file gives (EuroAirport:
   * the given FR or CH picks the side), or the given country alone.
   * @returns the airport (looked up again for a chosen EuroAirport side) and country, or a reason to skip the row.
   */
  private side(
    code: string | undefined,
    given: string | undefined,
    label: string,
    column: string,
    row: number,
  ): { airport?: AirportInfo; country: string } | string {
    if (code === undefined) return { country: given! };
    let airport = lookupAirport(code, this.opts);
    if (!airport) {
      const fix = this.format === 'generic' ? `check the code, or give the country in ${column} instead` : 'check the code in the file';
      return `row ${row}: unknown airport code '${code}' in ${label}: ${fix}`;
    }
    if (given && given !== airport.country) {
      if (!airport.euroAirport || (given !== 'FR' && given !== 'CH')) {
        return `row ${row}: ${column} '${given}' does not match airport ${airport.code} (${airport.country}): correct the code or the country`;
      }
      airport = lookupAirport(code, { ...this.opts, euroAirportSide: given })!;
    }
    if (airport.euroAirport && !given && !this.opts.euroAirportSide && this.euroAirportRows.at(-1) !== row) this.euroAirportRows.push(row);
    return { airport, country: airport.country };
  }

  /** Adds the segment and returns undefined, or returns the reason it was skipped (wrapped when it is a repeat). */
  private resolve(r: FlightRecord): string | { duplicate: string } | undefined {
    const row = r.row;
    if (r.notMine) return `row ${row}: someone else's flight (App in the Air trip marked Ownership.NOT_MINE)`;
    if (r.cancelled) return `row ${row}: cancelled flight`;
    const fromKnown = r.fromPlace === undefined ? this.side(r.from, r.fromCountry, 'From', 'from_country', row) : undefined;
    if (typeof fromKnown === 'string') return fromKnown;
    const toKnown = r.toPlace === undefined ? this.side(r.divertedTo ?? r.to, r.toCountry, r.divertedTo ? 'Diverted To' : 'To', 'to_country', row) : undefined;
    if (typeof toKnown === 'string') return toKnown;
    const mode = r.mode ?? (fromKnown?.airport || toKnown?.airport ? 'flight' : 'other');
    const ends = this.ends.resolve(r, mode, fromKnown, toKnown);
    if (typeof ends === 'string') return ends;
    const [fromSide, toSide] = ends;
    const from = fromSide.airport;
    const to = toSide.airport;

    let departureUtc: number | undefined;
    let arrivalUtc: number | undefined;
    let arrivalDate: string;
    if (from && to) {
      const placed = this.placeArrival(r, from, to);
      if (typeof placed === 'string') return placed;
      ({ departureUtc, arrivalUtc, arrivalDate } = placed);
    } else {
      // A crossing known by its countries: no time zones, so the arrival date is the file's or the departure date.
      arrivalDate = r.arrivalDate ?? r.departureDate;
      if (!r.arrivalDate && r.departureTime && r.arrivalTime && r.arrivalTime < r.departureTime) {
        this.warn(
          row,
          `arrival time ${r.arrivalTime} is before departure time ${r.departureTime} and no arrival date is given: arrival date assumed ${arrivalDate}; add arrival_date`,
        );
      }
    }

    const exact = departureUtc !== undefined && arrivalUtc !== undefined && arrivalUtc > departureUtc;
    // Flights with both instants are checked in placeArrival; every other leg against its mode over its days.
    if (!(exact && mode === 'flight')) {
      const hours = exact ? (arrivalUtc! - departureUtc!) / 3_600_000 : spanDays(r.departureDate, arrivalDate) * 24;
      const fast = tooFast(mode, fromSide, toSide, hours, exact);
      if (fast) this.warn(row, fast);
    }

    const segment: Segment = {
      departureCountry: fromSide.country,
      arrivalCountry: toSide.country,
      departureDate: r.departureDate,
      arrivalDate,
      mode,
    };
    if (from) segment.departureAirport = from.code;
    if (to) segment.arrivalAirport = to.code;
    if (r.departureTime) segment.departureTime = r.departureTime;
    if (r.arrivalTime) segment.arrivalTime = r.arrivalTime;
    const flight = parseFlightNumber(r.flightNumber);
    if (flight.value) segment.flightNumber = flight.value;
    if (flight.refused) this.warn(row, flight.refused);
    const note = parseNote(r.notes, SEGMENT_LIMITS.notes);
    if (note.value) segment.notes = note.value;
    if (note.refused) this.warn(row, note.refused);
    this.carrySpecificationText(r, segment);
    for (const remark of r.remarks ?? []) this.warn(row, remark);

    const checked = SegmentSchema.safeParse(segment);
    if (!checked.success) return describeZodError(checked.error, `row ${row}`);

    const fromKey = from?.code ?? fromSide.country;
    const toKey = to?.code ?? toSide.country;
    const key = journeyKey(segment.departureDate, from?.code, to?.code, fromSide.country, toSide.country, mode);
    const time = segment.departureTime ?? '';
    const sameTime = (s: { time: string }) => s.time === '' || time === '' || s.time === time;
    // Two rows between towns of the same countries on one day are two journeys when the towns differ; a stored
    // segment (row 0, which has no town) still matches by its countries.
    const places = r.fromPlace !== undefined || r.toPlace !== undefined ? `|${r.fromPlace ?? ''}|${r.toPlace ?? ''}`.toLowerCase() : '';
    const twin = this.seen.get(key + places)?.find(sameTime) ?? (places ? this.seen.get(key)?.find((s) => s.row === 0 && sameTime(s)) : undefined);
    if (twin) {
      const what = `${segment.departureDate}${twin.time && time ? ` ${time}` : ''} ${fromKey} → ${toKey}`;
      return {
        duplicate: twin.row === 0 ? `row ${row}: already imported (${what})` : `row ${row}: duplicate of row ${twin.row} (${what})`,
      };
    }
    this.remember(key + places, time, row);

    const imported: ImportedSegment = { ...checked.data, row, planned: toDayNumber(segment.departureDate) > this.importDay };
    this.segments.push(imported);
    const meta: FlightMeta = { segment: imported, fromKey, toKey };
    if (departureUtc !== undefined && !Number.isNaN(departureUtc)) meta.departureUtc = departureUtc;
    if (arrivalUtc !== undefined && !Number.isNaN(arrivalUtc)) meta.arrivalUtc = arrivalUtc;
    if (r.tripId) meta.tripId = r.tripId;
    if (r.transfer !== undefined) meta.transfer = r.transfer;
    this.metas.push(meta);
    return undefined;
  }

  /**
   * `purpose` and `entryPoint` (the product specification's optional segment fields, generic `purpose` and
   * `entry_point` columns), cut to their limits on grapheme boundaries like notes.
   */
  private carrySpecificationText(r: FlightRecord, segment: Segment): void {
    for (const [field, label, value] of [
      ['purpose', 'purpose', r.purpose],
      ['entryPoint', 'entry point', r.entryPoint],
    ] as const) {
      if (value === undefined) continue;
      const text = parseNote(value, SEGMENT_LIMITS[field], label);
      if (text.value) segment[field] = text.value;
      if (text.refused) this.warn(r.row, text.refused);
    }
  }

  /** Departure and arrival instants and the local arrival date of a flight between two known airports. */
  private placeArrival(r: FlightRecord, from: AirportInfo, to: AirportInfo): { departureUtc?: number; arrivalUtc?: number; arrivalDate: string } | string {
    const row = r.row;
    let departureUtc = r.departureUtc ? Date.parse(r.departureUtc) : undefined;
    if (departureUtc === undefined && r.departureTime && from.timeZone) {
      departureUtc = localToUtc(r.departureDate, r.departureTime, from.timeZone);
    }
    let arrivalUtc = r.arrivalUtc ? Date.parse(r.arrivalUtc) : undefined;
    let arrivalDate: string;
    if (r.arrivalDate) {
      arrivalDate = r.arrivalDate;
      if (arrivalUtc === undefined && r.arrivalTime && to.timeZone) arrivalUtc = localToUtc(arrivalDate, r.arrivalTime, to.timeZone);
      if (departureUtc !== undefined && arrivalUtc !== undefined && arrivalUtc <= departureUtc) {
        this.warn(
          row,
          `arrival ${arrivalDate} ${r.arrivalTime ?? ''} (${to.code}) is not after departure ${r.departureDate} ${r.departureTime ?? ''} (${from.code}) once time zones are applied; dates kept as written`,
        );
      }
    } else if (r.departureTime && r.arrivalTime && from.timeZone && to.timeZone) {
      const a = arrivalFromLocalTimes(r.departureDate, r.departureTime, from.timeZone, r.arrivalTime, to.timeZone);
      if (!a) return `row ${row}: arrival time ${r.arrivalTime} cannot be placed within 3 days after departure ${r.departureDate} ${r.departureTime}`;
      arrivalDate = a.arrivalDate;
      arrivalUtc = a.arrivalUtc;
    } else if (departureUtc !== undefined && r.durationMinutes && to.timeZone) {
      arrivalUtc = departureUtc + r.durationMinutes * 60_000;
      arrivalDate = utcToLocal(arrivalUtc, to.timeZone).date;
    } else {
      // No way to place the arrival: same local date, unless even the earliest possible landing falls on a later
      // local date (westward over the date line). Flag flights long enough to land on another date.
      const earliest = earliestArrivalDate(r.departureDate, departureUtc, from, to);
      arrivalDate = earliest ?? r.departureDate;
      const km = distanceKm(from, to);
      if (earliest || (km !== null && km >= LONG_HAUL_KM) || (km === null && from.timeZone !== to.timeZone)) this.assumedDateRows.push(row);
      if ((r.departureTime || r.arrivalTime) && (!from.timeZone || !to.timeZone)) {
        this.warn(row, `time zone of ${!from.timeZone ? from.code : to.code} unknown: times not used to compute the arrival date`);
      }
    }

    if (departureUtc !== undefined && arrivalUtc !== undefined && arrivalUtc > departureUtc) {
      const km = distanceKm(from, to);
      const hours = (arrivalUtc - departureUtc) / 3_600_000;
      if (km !== null && km / hours > MAX_AVERAGE_KMH.flight) {
        this.warn(
          row,
          `${from.code} → ${to.code} (${Math.round(km)} km) lands only ${hours.toFixed(1)} h after departure once time zones are applied; check the dates and times`,
        );
      }
    }

    return { departureUtc, arrivalUtc, arrivalDate };
  }

  finish(): ImportResult {
    if (this.rows === 0) throw new ImportFileError('the file contains no flight rows (a header or comments only): add one row per journey below the header');
    markLayovers(this.metas, this.layoverMs);
    this.opts.onProgress?.(this.rows);
    const warnings: string[] = [];
    const { encoding, assumption } = this.encoding();
    if (assumption) warnings.push(capMessage(assumption));
    for (const w of this.fileWarnings) warnings.push(w); // one per stray quote: unbounded, never spread into a call
    if (this.twoDigitYearRows.length) {
      const n = this.twoDigitYearRows.length;
      warnings.push(
        `${n} ${n === 1 ? 'row' : 'rows'} skipped because ${n === 1 ? 'its date has' : 'their dates have'} a two-digit year (${listRows(this.twoDigitYearRows)}): ` +
          'the century is never guessed; write years with four digits (in a spreadsheet, format the date columns as YYYY-MM-DD) and import again',
      );
    }
    if (this.euroAirportRows.length) {
      warnings.push(
        `EuroAirport Basel-Mulhouse-Freiburg (${listRows(this.euroAirportRows)}) counted as France, the airport's territory; ` +
          "import again with euroAirportSide 'CH' if you used the Swiss sector",
      );
    }
    if (this.assumedDateRows.length) {
      warnings.push(
        `no arrival time for long-haul flights (${listRows(this.assumedDateRows)}): arrival date assumed equal to the departure date ` +
          '(or the earliest date the flight can land, westward over the date line); check them',
      );
    }
    warnings.push(...this.rowWarnings);
    if (this.droppedWarnings) warnings.push(`… and ${this.droppedWarnings} more row warnings`);
    const result: ImportResult = {
      format: this.format,
      encoding,
      rows: this.rows,
      flights: this.segments.length,
      segments: this.segments,
      skipped: this.skipped,
      warnings,
    };
    if (result.flights + result.skipped.length !== result.rows) {
      throw new Error(`import invariant broken: ${result.flights} flights + ${result.skipped.length} skipped != ${result.rows} rows`);
    }
    return result;
  }
}

/**
 * Local arrival date of the earliest landing possible when the arrival time is unknown: departure at the known
 * instant, else at 00:00 local on the departure date, plus the great-circle distance flown at
 * `MAX_PLAUSIBLE_KMH`. Returns it only when it is after the departure date (then the same-date default is
 * impossible: LAX -> TPE never lands on its local departure date), else `null`. Flights eastward over the date line
 * (TPE -> LAX) may land on the previous date; that cannot be known without times and stays the same-date default.
 */
function earliestArrivalDate(departureDate: string, departureUtc: number | undefined, from: AirportInfo, to: AirportInfo): string | null {
  const km = distanceKm(from, to);
  if (km === null || !from.timeZone || !to.timeZone) return null;
  const start = departureUtc ?? localToUtc(departureDate, '00:00', from.timeZone);
  const earliest = utcToLocal(start + (km / MAX_PLAUSIBLE_KMH) * 3_600_000, to.timeZone).date;
  return earliest > departureDate ? earliest : null;
}

function listRows(rows: number[]): string {
  const shown = rows.slice(0, 20).join(', ');
  return `row${rows.length > 1 ? 's' : ''} ${shown}${rows.length > 20 ? ` and ${rows.length - 20} more` : ''}`;
}
