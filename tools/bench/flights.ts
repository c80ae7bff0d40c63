/**
 * Synthetic flight histories for the functions benchmark and the handler tests: a generic CSV
 * (`date,from,to,departure_time,arrival_time,flight_number`) of `n` flights hopping between large airports,
 * one every one or two days from 1990-01-01, deterministic for a seed.
 */
import { addDays } from '@travel-time-tracker/core/dates';

const AIRPORTS = ['JFK', 'LHR', 'CDG', 'FRA', 'NRT', 'SIN', 'SYD', 'GRU', 'YYZ', 'DXB', 'MAD', 'FCO', 'AMS', 'ZRH', 'IST', 'BKK'];

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so benchmark inputs are the same on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The CSV text of `n` synthetic flights (header included). */
export function syntheticFlightsCsv(n: number, seed = 7, start = '1990-01-01'): string {
  const r = rng(seed);
  const lines = ['date,from,to,departure_time,arrival_time,flight_number'];
  let date = start;
  let here = 'JFK';
  for (let i = 0; i < n; i++) {
    let to = AIRPORTS[Math.floor(r() * AIRPORTS.length)]!;
    if (to === here) to = AIRPORTS[(AIRPORTS.indexOf(to) + 1) % AIRPORTS.length]!;
    const dep = `${pad(6 + Math.floor(r() * 12))}:${pad(Math.floor(r() * 60))}`;
    const arr = `${pad(Math.floor(r() * 24))}:${pad(Math.floor(r() * 60))}`;
    lines.push(`${date},${here},${to},${dep},${arr},XX${100 + (i % 900)}`);
    here = to;
    date = addDays(date, 1 + Math.floor(r() * 2));
  }
  return `${lines.join('\n')}\n`;
}
