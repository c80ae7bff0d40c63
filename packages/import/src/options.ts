/**
 * The options of an import and the stored segments it checks duplicates against, as the pipeline accepts them
 * (zod, checked once at the entry point).
 */
import { z } from 'zod';
import { isIsoDate } from '@travel-time-tracker/core/dates';
import { IsoDateSchema, LocalTimeSchema, type Segment } from '@travel-time-tracker/core/segment';
import type { EuroAirportSide } from './airports';
import type { DateOrder } from './dateOrder';

/** Options of an import. All optional. */
export interface ImportOptions {
  /**
   * Local date `YYYY-MM-DD` the import is made on (default: today in UTC). Flights departing after it are kept
   * with `planned: true` (future trips from the export).
   */
  importDate?: string;
  /**
   * Longest connection, in hours, at the same airport between two international flights that counts as an
   * airside transit (default 24): the inbound segment gets `transit: true`. Measured between UTC instants when
   * both times are known. A connection with a domestic flight on either side is never a transit.
   */
  layoverHours?: number;
  /** Country given to EuroAirport Basel-Mulhouse-Freiburg (BSL/MLH/EAP); default `'FR'`, see `EuroAirportSide`. */
  euroAirportSide?: EuroAirportSide;
  /** Segments already stored for the traveller: rows matching one of them are skipped as duplicates. */
  existing?: readonly Segment[];
  /** Largest number of data rows accepted; more fails the whole import with an `ImportFileError`. */
  maxRows?: number;
  /** Called with the number of data rows read so far, every `PROGRESS_EVERY` rows and once at the end. */
  onProgress?: (rowsDone: number) => void;
  /**
   * Order of dates written with the year last (`3/4/2024`), for a file whose values do not show it: `DMY` day
   * first, `MDY` month first (`YMD` states that every date is year-first). The file's own values decide when they
   * can (a day above 12); an option they contradict is an error naming the row. See {@link DateOrder}.
   */
  dateOrder?: DateOrder;
}

export const OptionsSchema = z.strictObject({
  importDate: z.string().refine(isIsoDate, { message: 'must be a real calendar date written YYYY-MM-DD' }).optional(),
  layoverHours: z.number().positive().max(72).optional(),
  euroAirportSide: z.enum(['FR', 'CH']).optional(),
  existing: z.array(z.any()).optional(),
  maxRows: z.number().int().positive().optional(),
  onProgress: z.custom<(rowsDone: number) => void>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
  dateOrder: z.enum(['DMY', 'MDY', 'YMD']).optional(),
});

/** The fields of an already stored segment the duplicate check reads (documents may carry more, e.g. `id`). */
export const ExistingSchema = z.looseObject({
  departureDate: IsoDateSchema,
  departureTime: LocalTimeSchema.optional(),
  departureAirport: z.string().optional(),
  arrivalAirport: z.string().optional(),
  departureCountry: z.string().optional(),
  arrivalCountry: z.string().optional(),
  mode: z.string().optional(),
});
export type ExistingSegment = z.infer<typeof ExistingSchema>;
