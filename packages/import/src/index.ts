/**
 * Flight-history import (pure core, no Firebase): detects the export format, streams the rows, resolves
 * airports to countries and time zones, and returns validated segments plus a reason for every skipped row.
 * Used by the CLI, the Storage trigger and the benchmark.
 */
export { importFlights, importFile, PROGRESS_EVERY, LONG_HAUL_KM, MAX_LINE_LENGTH, MAX_ROW_WARNINGS } from './pipeline';
export type { ImportOptions, ImportSource } from './pipeline';
export { detectFormat, detect, GENERIC_COLUMNS } from './formats';
export { lookupAirport, loadAirports, airportsLoaded, distanceKm, AIRPORT_OVERRIDES } from './airports';
export type { AirportInfo, EuroAirportSide, LookupOptions } from './airports';
export { arrivalFromLocalTimes } from './time';
export { ImportFileError } from './types';
export { DateOrderNeededError } from './dateOrder';
export type { DateOrder, DateExample } from './dateOrder';
export type { TextEncodingName } from './encoding';
export type { FlightRecord, ImportFormat, ImportResult, ImportedSegment, ParsedRow, SkippedRow } from './types';
