import { evaluateTravel } from '../../../functions/src/core/evaluate';
import { computePresence, countryDates, regionPresence } from '../../../functions/src/core/presence';
import { loadReferenceData } from '../../../functions/src/core/referenceData';
import { evaluateRollingWindow } from '../../../functions/src/core/rules/rollingWindow';
import { planTrips } from '../../../functions/src/core/planning';
import { toDayNumber } from '../../../functions/src/core/dates';
const ref = loadReferenceData();
const s = (id: string, f: string, t: string, d: string, a = d, x: any = {}) => ({ id, departureCountry: f, arrivalCountry: t, departureDate: d, arrivalDate: a, mode: 'air' as const, ...x });
test('probe', () => {
  const p1 = computePresence([s('row-10', 'FR', 'DE', '2024-05-01'), s('row-9', 'US', 'FR', '2024-05-01'), s('row-11', 'DE', 'GB', '2024-05-01')], '2024-05-05', ref);
  console.log('untimed hops', [...p1.byCountry].map(([c, v]) => c + JSON.stringify(countryDates(p1, c))), p1.warnings);
  const p2 = computePresence([s('a', 'AU', 'NZ', '2024-03-20'), s('b', 'NZ', 'US', '2024-03-24', '2024-03-23', { departureTime: '00:30' }), s('c', 'US', 'CA', '2024-03-23', '2024-03-23', { departureTime: '15:00' }), s('d', 'CA', 'GB', '2024-03-28', '2024-03-29')], '2024-03-30', ref);
  console.log('dateline', [...p2.byCountry].map(([c, v]) => c + JSON.stringify(countryDates(p2, c))), p2.warnings);
  const e = evaluateTravel([s('a','US','FR','2024-01-01'), s('b','FR','US','2024-03-30')], { asOf: '2023-12-01' });
  console.log(e.rules[0]);
  for (const [M,T] of [[364,365],[3659,3660],[90,180]]) {
    const t0 = Date.now();
    const r = evaluateRollingWindow([{start: toDayNumber('1900-01-01'), end: toDayNumber('1900-02-01')},{start: toDayNumber('2100-01-01'), end: toDayNumber('2100-02-01')}], toDayNumber('2000-01-01'), {maxDays: M, periodDays: T});
    console.log(M,T, Date.now()-t0, r);
  }
  const t0 = Date.now();
  const e2 = evaluateTravel([s('a','US','FR','0001-01-01'), s('b','FR','US','0001-03-30'), s('c','US','FR','9999-12-01')], { asOf: '5000-01-01' });
  console.log('extreme', Date.now()-t0, e2.rules[0], Object.keys(e2.countryDaysByYear).length);
});
