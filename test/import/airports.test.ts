/** Airport code -> country and time zone: package data, overrides with sources, EuroAirport sides. */
import { AIRPORT_OVERRIDES, loadAirports, lookupAirport } from '@travel-time-tracker/import';

beforeAll(() => loadAirports());

describe('lookupAirport', () => {
  test.each([
    ['LHR', { code: 'LHR', icao: 'EGLL', country: 'GB', timeZone: 'Europe/London' }],
    ['lhr', { code: 'LHR', country: 'GB' }],
    ['LEBL', { code: 'BCN', iata: 'BCN', country: 'ES', timeZone: 'Europe/Madrid' }],
    ['SXF', { code: 'SXF', country: 'DE', timeZone: 'Europe/Berlin' }],
    ['THF', { code: 'THF', country: 'DE' }],
    ['EDDI', { code: 'THF', country: 'DE' }],
    ['KTI', { code: 'KTI', icao: 'VDTI', country: 'KH', name: 'Techo International Airport, Phnom Penh' }],
    ['VDTI', { code: 'KTI', country: 'KH', timeZone: 'Asia/Phnom_Penh' }],
    ['LON', { code: 'LON', country: 'GB', cityCode: true }],
    ['NYC', { code: 'NYC', country: 'US', timeZone: 'America/New_York' }],
    ['PAR', { code: 'PAR', country: 'FR', cityCode: true }],
    ['TYO', { country: 'JP' }],
    ['MIL', { country: 'IT' }],
    ['STO', { country: 'SE' }],
    ['KKM', { timeZone: 'Asia/Bangkok' }], // the package writes 'Asia/ Bangkok'
    ['ECN', { country: 'CY' }],
  ])('%s', (code, expected) => {
    expect(lookupAirport(code)).toMatchObject(expected);
  });

  test.each(['XQZ', '9Q9Q', '12', 'LHR1', ''])('unknown or malformed code %j is null, never guessed', (code) => {
    expect(lookupAirport(code)).toBeNull();
  });

  test.each(['BSL', 'MLH', 'EAP', 'LFSB'])('EuroAirport %s: France by default, Switzerland on request', (code) => {
    expect(lookupAirport(code)).toMatchObject({ country: 'FR', timeZone: 'Europe/Paris', euroAirport: true });
    expect(lookupAirport(code, { euroAirportSide: 'CH' })).toMatchObject({ country: 'CH', timeZone: 'Europe/Zurich', euroAirport: true });
  });

  test('every override row names its source page and a zone the runtime knows', () => {
    for (const row of AIRPORT_OVERRIDES) {
      expect(row.source).toMatch(/^https:\/\//);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: row.timeZone })).not.toThrow();
      expect(row.country).toMatch(/^[A-Z]{2}$/);
    }
  });
});
