/** The seed reference data (seed/countries.json, seed/visaRules.json) and its loader. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addDays } from '@travel-time-tracker/core/dates';
import { createReferenceData, loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { ValidationError } from '@travel-time-tracker/core/validation';

const SEED = path.resolve(__dirname, '../../seed');
const countriesJson = JSON.parse(fs.readFileSync(path.join(SEED, 'countries.json'), 'utf8'));
const rulesJson = JSON.parse(fs.readFileSync(path.join(SEED, 'visaRules.json'), 'utf8'));
const ref = loadReferenceData();

const membersOn = (region: string, date: string) => [...ref.countries.keys()].filter((c) => ref.isMember(c, region, date)).sort();

describe('countries', () => {
  test('249 officially assigned ISO 3166-1 codes plus the user-assigned XK, all codes unique', () => {
    const all = [...ref.countries.values()];
    expect(all.filter((c) => !c.userAssigned)).toHaveLength(249);
    expect(all.filter((c) => c.userAssigned).map((c) => c.iso2)).toEqual(['XK']);
    for (const key of ['iso2', 'iso3', 'numeric'] as const) expect(new Set(all.map((c) => c[key])).size).toBe(all.length);
  });

  test.each([
    ['HR', 'HRV', '191', 'Croatia'],
    ['CZ', 'CZE', '203', 'Czechia'],
    ['GB', 'GBR', '826', 'United Kingdom'],
    ['VA', 'VAT', '336', 'Vatican City'],
    ['AX', 'ALA', '248', 'Åland Islands'],
  ])('%s is %s / %s / %s', (iso2, iso3, numeric, name) => {
    expect(ref.countries.get(iso2)).toMatchObject({ iso3, numeric, name });
    expect(ref.countryName(iso2)).toBe(name);
    expect(ref.countryExists(iso2)).toBe(true);
  });

  test('unknown codes', () => {
    expect(ref.countryExists('ZZ')).toBe(false);
    expect(ref.countryName('ZZ')).toBeUndefined();
    expect(ref.isMember('ZZ', 'SCHENGEN', '2024-01-01')).toBe(false);
  });

  test('every membership cites a source', () => {
    for (const c of ref.countries.values()) for (const m of c.memberships) expect(m.source.length).toBeGreaterThan(10);
  });
});

describe('Schengen membership', () => {
  // First day without internal border controls, per the Council decisions cited in seed/countries.json.
  const dates: [string, string][] = [
    ...['BE', 'DE', 'ES', 'FR', 'LU', 'NL', 'PT', 'MC'].map((c): [string, string] => [c, '1995-03-26']),
    ['IT', '1997-10-26'],
    ['SM', '1997-10-26'],
    ['VA', '1997-10-26'],
    ['AT', '1997-12-01'],
    ['GR', '2000-03-26'],
    ...['DK', 'FI', 'IS', 'NO', 'SE', 'AX'].map((c): [string, string] => [c, '2001-03-25']),
    ...['CZ', 'EE', 'HU', 'LV', 'LT', 'MT', 'PL', 'SK', 'SI'].map((c): [string, string] => [c, '2007-12-21']),
    ['CH', '2008-12-12'],
    ['LI', '2011-12-19'],
    ['HR', '2023-01-01'],
    ['BG', '2024-03-31'],
    ['RO', '2024-03-31'],
  ];
  test.each(dates)('%s is inside from %s, not the day before', (iso2, from) => {
    expect(ref.isMember(iso2, 'SCHENGEN', from)).toBe(true);
    expect(ref.isMember(iso2, 'SCHENGEN', addDays(from, -1))).toBe(false);
    expect(ref.isMember(iso2, 'SCHENGEN', '2100-01-01')).toBe(true);
  });

  test('29 states today, plus Åland (part of Finland) and the de facto microstates', () => {
    const today = membersOn('SCHENGEN', '2026-01-01');
    const official = 'AT BE BG HR CZ DK EE FI FR DE GR HU IS IT LV LI LT LU MT NL NO PL PT RO SK SI ES SE CH'.split(' ');
    expect(official).toHaveLength(29);
    expect(today).toEqual([...official, 'AX', 'MC', 'SM', 'VA'].sort());
  });

  test.each(['IE', 'CY', 'AD', 'GB', 'US', 'GI', 'FO', 'GL'])('%s is never inside', (iso2) => {
    expect(ref.membershipIntervals(iso2, 'SCHENGEN')).toEqual([]);
  });
});

describe('EU and EEA membership', () => {
  test('27 EU member states today (Åland as part of Finland), and the United Kingdom until 2020-01-31', () => {
    const eu = membersOn('EU', '2026-01-01');
    expect(eu.filter((c) => c !== 'AX')).toHaveLength(27);
    expect(eu).not.toContain('GB');
    expect(ref.isMember('GB', 'EU', '2020-01-31')).toBe(true);
    expect(ref.isMember('GB', 'EU', '2020-02-01')).toBe(false);
    expect(ref.isMember('HR', 'EU', '2013-06-30')).toBe(false);
    expect(ref.isMember('HR', 'EU', '2013-07-01')).toBe(true);
  });

  test('EEA = EU + Iceland, Liechtenstein, Norway (Liechtenstein from 1995-05-01)', () => {
    const eea = membersOn('EEA', '2026-01-01');
    expect(eea).toEqual([...membersOn('EU', '2026-01-01'), 'IS', 'LI', 'NO'].sort());
    expect(ref.isMember('LI', 'EEA', '1995-04-30')).toBe(false);
    expect(ref.isMember('LI', 'EEA', '1995-05-01')).toBe(true);
    expect(ref.isMember('CH', 'EEA', '2026-01-01')).toBe(false);
  });
});

describe('visa rules', () => {
  test('the Schengen rule is data-driven 90/180 over SCHENGEN with EU/EEA/CH exemptions', () => {
    expect(ref.rule('schengen-90-180')).toMatchObject({
      kind: 'rolling-window',
      params: { maxDays: 90, periodDays: 180 },
      region: 'SCHENGEN',
      exemptNationalityRegions: ['EU', 'EEA', 'EU_TRANSITION'],
      exemptNationalities: ['CH'],
    });
    expect(ref.rule('schengen-90-180')!.source).toMatch(/2016\/399/);
  });
});

describe('createReferenceData validation', () => {
  const clone = () => JSON.parse(JSON.stringify(countriesJson));
  const rulesClone = () => JSON.parse(JSON.stringify(rulesJson));

  test.each([
    {
      name: 'a bad membership date names the field',
      countries: () => {
        const c = clone();
        c.countries[0].memberships.push({ region: 'EU', from: '2024-02-30', to: null, source: 'x' });
        return c;
      },
      rules: rulesClone,
      error: /seed\/countries\.json: countries\[0\]\.memberships\[0\]\.from must be a real calendar date/,
    },
    {
      name: 'a membership ending before it starts',
      countries: () => {
        const c = clone();
        c.countries[0].memberships.push({ region: 'EU', from: '2024-02-01', to: '2024-01-01', source: 'x' });
        return c;
      },
      rules: rulesClone,
      error: /countries\[0\]\.memberships\[0\]\.to must not be before from/,
    },
    {
      name: 'maxDays not below periodDays',
      countries: clone,
      rules: () => {
        const r = rulesClone();
        r.rules[0].params.maxDays = 180;
        return r;
      },
      error: /seed\/visaRules\.json: rules\[0\]\.params\.maxDays must be smaller than periodDays/,
    },
    // Country codes in the seed are checked by the one country-code schema (core/segment.ts CountryCodeSchema).
    {
      name: 'a lower-case country code',
      countries: () => {
        const c = clone();
        c.countries[0].iso2 = 'ad';
        return c;
      },
      rules: rulesClone,
      error: /seed\/countries\.json: countries\[0\]\.iso2 must be an ISO 3166-1 alpha-2 country code such as "FR"/,
    },
    {
      name: 'an exempt nationality written as a name',
      countries: clone,
      rules: () => {
        const r = rulesClone();
        r.rules[0].exemptNationalities = ['Switzerland'];
        return r;
      },
      error: /seed\/visaRules\.json: rules\[0\]\.exemptNationalities\[0\] must be an ISO 3166-1 alpha-2 country code such as "FR"/,
    },
  ])('$name', ({ countries, rules, error }) => {
    expect(() => createReferenceData(countries(), rules())).toThrow(ValidationError);
    expect(() => createReferenceData(countries(), rules())).toThrow(error);
  });

  test('duplicate country codes and overlapping memberships are rejected', () => {
    const dup = clone();
    dup.countries.push(dup.countries[0]);
    expect(() => createReferenceData(dup, rulesJson)).toThrow(/duplicate country AD/);
    const overlap = clone();
    const fr = overlap.countries.find((c: { iso2: string }) => c.iso2 === 'FR');
    fr.memberships.push({ region: 'SCHENGEN', from: '2000-01-01', to: null, source: 'x' });
    expect(() => createReferenceData(overlap, rulesJson)).toThrow(/overlapping memberships FR in SCHENGEN/);
  });

  test('loadReferenceData caches the seed files of the core package (imported as modules, no folder looked up)', () => {
    expect(loadReferenceData()).toBe(ref);
    // The files as they are on disk give the same tables as the imported modules.
    const fromDisk = createReferenceData(countriesJson, rulesJson);
    expect([...fromDisk.countries.values()]).toEqual([...ref.countries.values()]);
    expect(fromDisk.definitions).toEqual(ref.definitions);
  });
});
