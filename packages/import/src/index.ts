/**
 * Flight-history import (pure core, no Firebase): detects the export format, streams the rows, resolves
 * airports to countries and time zones, and returns validated segments plus a reason for every skipped row.
 * Used by the CLI, the Storage trigger and the benchmark.
 */
export { importFlights, importFile } from './pipeline';
export { PROGRESS_EVERY, LONG_HAUL_KM, MAX_ROW_WARNINGS } from './resolution';
export { MAX_LINE_LENGTH } from './lines';
export type { ImportSource } from './pipeline';
export type { ImportOptions } from './options';
export { detectFormat, detect } from './formats/detect';
export { GENERIC_COLUMNS } from './formats/generic';
export { lookupAirport, loadAirports, airportsLoaded, distanceKm, AIRPORT_OVERRIDES } from './airports';
export type { AirportInfo, EuroAirportSide, LookupOptions } from './airports';
export { arrivalFromLocalTimes } from './time';
export { ImportFileError } from './types';
export { groupSkipped, importFailure, skipKind, listRowNumbers } from './skipReasons';
export type { SkipGroup } from './skipReasons';
export { journeyKey, segmentIdFor } from './journeys';
export { DateOrderNeededError } from './dateOrder';
export type { DateOrder, DateExample } from './dateOrder';
export type { FlightRecord, ImportFormat, TextEncodingName, ImportResult, ImportedSegment, ParsedRow, SkippedRow, SkipKind } from './types';
