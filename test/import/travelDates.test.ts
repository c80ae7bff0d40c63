/**
 * Rows dated outside the travel-date range (1900-01-01 .. 2199-12-31, core/segment.ts TravelDateSchema), such as
 * a typo year 0219 for 2019, end as skipped rows naming the row and the field, never as an error of the import.
 */
import { importFlights } from '@travel-time-tracker/import';
import { chunked } from './helpers';

const HEADER = 'date,from,to,departure_time,arrival_time,arrival_date,flight_number';
const GOOD = '2019-05-03,FRA,JFK,10:00,12:45,,LH400';

describe('travel dates out of range in an import', () => {
  test.each([
    // [case, data row, field named in the reason]
    ['typo year 0219, no times', '0219-05-01,JFK,FRA,,,,', 'departureDate'],
    ['typo year 0219 with local times (time-zone path)', '0219-05-01,JFK,FRA,18:00,07:45,,LH401', 'departureDate'],
    ['typo year 0219 in M/D/YYYY form', '5/13/0219,JFK,FRA,,,,', 'departureDate'],
    ['1899-12-31', '1899-12-31,JFK,FRA,,,,', 'departureDate'],
    ['2200-01-01', '2200-01-01,JFK,FRA,,,,', 'departureDate'],
    ['arrival date 2200-01-01 after a departure on 2199-12-31', '2199-12-31,JFK,FRA,,,2200-01-01,', 'arrivalDate'],
  ])('%s -> skipped row 2 naming the field', async (_name, row, field) => {
    const r = await importFlights(chunked(`${HEADER}\n${row}\n${GOOD}\n`), { importDate: '2024-06-01' });
    expect(r.rows).toBe(2);
    expect(r.flights).toBe(1);
    expect(r.segments.map((s) => s.row)).toEqual([3]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0]).toMatchObject({ row: 2 });
    expect(r.skipped[0]!.reason).toMatch(new RegExp(`^row 2: .*${field} must be a date between 1900-01-01 and 2199-12-31`));
  });

  test.each([
    ['1900-01-01', '1900-01-01,JFK,FRA,,,,'],
    ['2199-12-31', '2199-12-31,JFK,FRA,,,2199-12-31,'],
  ])('the range bound %s itself is imported', async (date, row) => {
    const r = await importFlights(chunked(`${HEADER}\n${row}\n`), { importDate: '2024-06-01' });
    expect(r.skipped).toEqual([]);
    expect(r.segments).toHaveLength(1);
    expect(r.segments[0]).toMatchObject({ row: 2, departureDate: date });
  });
});
