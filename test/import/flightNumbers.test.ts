/**
 * A flight number given as digits alone is completed with the airline's code by one rule, whatever the format that
 * read it ({@link completeFlightNumber}); here through the generic CSV, whose `airline` column feeds it.
 */
import { importFlights } from '@travel-time-tracker/import';
import { completeFlightNumber } from '@travel-time-tracker/import/storedText';
import { chunked } from './helpers';

test.each([
  ['400', 'LH', 'LH400'],
  ['1234A', 'U2', 'U21234A'],
  ['12345', 'EZY', 'EZY12345'],
  ['123456', 'LH', '123456'],
  ['LH400', 'LH', 'LH400'],
  ['400', 'Lufthansa', '400'],
  ['400', undefined, '400'],
  ['T3-7107', 'T3', 'T3-7107'],
])('completeFlightNumber(%j, %j) = %j', (flight, airline, expected) => {
  expect(completeFlightNumber(flight, airline)).toBe(expected);
});

test.each([
  ['400', 'LH', 'LH400'],
  ['1234A', 'U2', 'U21234A'],
  ['400', 'Lufthansa', '400'],
  ['EZY1234AB', 'U2', 'EZY1234AB'],
])('the generic CSV stores flight %j of airline %j as %j', async (flight, airline, expected) => {
  const csv = `date,from,to,flight_number,airline\n2024-03-01,FRA,JFK,${flight},${airline}\n`;
  const r = await importFlights(chunked(csv), { importDate: '2026-11-23' });
  expect(r.segments.map((s) => s.flightNumber)).toEqual([expected]);
});
