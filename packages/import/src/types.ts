/**
 * Types shared by the import pipeline: the raw flight record every format parser produces, the row outcome,
 * and the import result the CLI, the Storage trigger and the tests consume.
 */
import type { Segment } from '@travel-time-tracker/core/segment';
import type { TravelMode } from '@travel-time-tracker/core/segment';
import { capMessage } from './text';

/** Encodings the import reads ({@link decodeText} detects which). */
export type TextEncodingName = 'UTF-8' | 'UTF-16LE' | 'UTF-16BE' | 'windows-1252';

/** Formats the importer recognises from the file's content (never its name). */
export type ImportFormat = 'openflights' | 'openflights-minimal' | 'myflightradar24' | 'flighty' | 'appintheair' | 'generic' | 'whitespace-log';

/**
 * One flight as a format parser read it, before airport lookup and date computation.
 * Airport codes are as written in the file (IATA or ICAO, upper-cased); times are local wall-clock `HH:MM`
 * at the respective airport; dates are `YYYY-MM-DD` local dates. UTC instants, where a format gives them,
 * are ISO 8601 strings with `Z`.
 */
export interface FlightRecord {
  /** 1-based line number of the row in the file, as a text editor or spreadsheet shows it. */
  row: number;
  /** Local departure date. */
  departureDate: string;
  /** Departure airport code as written; absent for a crossing known by its countries only (`fromCountry`). */
  from?: string;
  /** Arrival airport code as written; absent when only `toCountry` is known. */
  to?: string;
  /** Departure place name as written (generic `from` that is not a code, e.g. `Lima`): resolved through the gazetteer of place names. */
  fromPlace?: string;
  /** Arrival place name as written (generic `to`). */
  toPlace?: string;
  /** ISO alpha-2 departure country given by the file (generic `from_country`); checked against `from` if both. */
  fromCountry?: string;
  /** ISO alpha-2 arrival country given by the file (generic `to_country`). */
  toCountry?: string;
  /** Mode of transport of the specification (generic `mode`); absent: a flight when an airport is given, else `other`. */
  mode?: TravelMode;
  /** Border crossing, port or station (generic `entry_point`), free text. */
  entryPoint?: string;
  /** Purpose of the trip (generic `purpose`), free text. */
  purpose?: string;
  departureTime?: string;
  arrivalTime?: string;
  /** Local arrival date when the file states it. */
  arrivalDate?: string;
  departureUtc?: string;
  arrivalUtc?: string;
  flightNumber?: string;
  /** The file marks the arrival as a transfer/connection (layover flag). */
  transfer?: boolean;
  /** Trip/leg grouping where the format has it (connections share a trip). */
  tripId?: string;
  cancelled?: boolean;
  /** Airport the flight was diverted to (the real arrival airport). */
  divertedTo?: string;
  /** The file marks the flight as someone else's (App in the Air `Ownership.NOT_MINE`). */
  notMine?: boolean;
  /** Block/flight duration in minutes where the format gives one (OpenFlights, myFlightradar24). */
  durationMinutes?: number;
  /** Free-text note as written in the file (sanitised by the pipeline before it is stored). */
  notes?: string;
  /** Remarks about this row that do not prevent the import (e.g. diverted flight), prefixed with the row later. */
  remarks?: string[];
}

/** What a format parser yields for each data row. */
/** A row read: a record, or a skip with its reason (`twoDigitYear`: skipped for a two-digit year, grouped in one warning). */
export type ParsedRow = { kind: 'flight'; record: FlightRecord } | { kind: 'skip'; row: number; reason: string; twoDigitYear?: boolean };

/** Why a row was skipped ({@link skipKind} decides from the reason). `duplicate` rows are repeats, never errors (they do not count towards a failure). */
export type SkipKind =
  | 'two-digit-year'
  | 'ambiguous-date'
  | 'not-a-date'
  | 'not-a-time'
  | 'unknown-airport'
  | 'place'
  | 'country'
  | 'missing-value'
  | 'columns'
  | 'mode'
  | 'cancelled'
  | 'not-mine'
  | 'duplicate'
  | 'invalid';

/** A data row that did not become a flight, with a reason a person understands. */
export interface SkippedRow {
  row: number;
  reason: string;
  /** Why, as a kind ({@link groupSkipped} groups by it); set by the pipeline, derived from `reason` when absent. */
  kind?: SkipKind;
  /** Departure date of the row when it was read before the row was refused. */
  date?: string;
  /** Countries the row names (its country columns), when read. */
  countries?: string[];
  /**
   * True when the row is not an error but a repeat: of an earlier row of the file, or of a segment already stored
   * (`ImportOptions.existing`). Callers may count these apart (the import job reports them as duplicates).
   */
  duplicate?: true;
}

/** A segment produced by an import, with the row it came from and whether it lies after the import date. */
export type ImportedSegment = Segment & { row: number; planned: boolean };

/** Result of importing one file. Invariant: `flights + skipped.length === rows`. */
export interface ImportResult {
  format: ImportFormat;
  /** Encoding the file was read in; when it was assumed (no byte-order mark), `warnings` says so first. */
  encoding: TextEncodingName;
  /** Data rows read (header, comment and blank lines excluded). */
  rows: number;
  /** Rows that became segments (`segments.length`). */
  flights: number;
  segments: ImportedSegment[];
  skipped: SkippedRow[];
  /** Remarks about the data that are not row errors (e.g. EuroAirport side assumed). */
  warnings: string[];
}

/**
 * A file the importer cannot read at all (unknown format, binary, empty). Nothing from it is kept.
 * The message is one sentence of at most MAX_MESSAGE_LENGTH characters ({@link capMessage}).
 */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(capMessage(message));
    this.name = 'ImportFileError';
  }
}
