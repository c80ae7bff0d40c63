/**
 * Places are what they say: airport codes only when written as codes, place names through the GeoNames gazetteer
 * with the row's countries, the other end and the mode's reach; land and sea rows never crossing continents
 * through a code; legs faster than their mode flagged.
 */
import { importFlights } from '@travel-time-tracker/import';
import { parseAirportOrPlace } from '@travel-time-tracker/import/values';
import { chunked } from './helpers';

const run = (text: string) => importFlights(chunked(text, 4096), { importDate: '2024-06-30' });

describe('a cell is an airport code only when written as one', () => {
  test.each([
    ['CDG', { codes: ['CDG'] }],
    ['LFPG', { codes: ['LFPG'] }],
    ['Paris / Charles de Gaulle (CDG/LFPG)', { codes: ['CDG', 'LFPG'] }],
    ['Lima', { place: 'Lima' }],
    ['LIMa', { place: 'LIMa' }],
    ['goa', { place: 'goa' }],
    ['Kos', { place: 'Kos' }],
    ['Frankfurt (Main) Hbf', { place: 'Frankfurt (Main) Hbf' }],
  ])('%s', (cell, expected) => {
    expect(parseAirportOrPlace(cell, 'From')).toEqual(expected);
  });
});

describe('place names resolve to their country or are refused by name (the examples of the field reports)', () => {
  test.each([
    // [row, countries or a refusal]
    ['Lima,Ica,bus: Peru, not Turin-Aeritalia (LIMA) to Icabarú (ICA)', '2023-01-05,Lima,Ica,bus,,', ['PE', 'PE']],
    ['Leh by train: India, not Le Havre', '2023-01-05,Leh,Delhi,train,,', ['IN', 'IN']],
    ['Ulm by train: Germany, not New Ulm', '2023-01-05,Ulm,Munich,train,,', ['DE', 'DE']],
    ['Kos by ferry with its country: Greece, not Sihanoukville', '2023-01-05,Kos,Bodrum,ferry,GR,TR', ['GR', 'TR']],
    ['Goa by train with its country: India, not Genoa', '2023-01-05,Goa,Panaji,train,IN,', ['IN', 'IN']],
    [
      'Goa by train alone: refused (the only Goa of the gazetteer is in the Philippines)',
      '2023-01-05,Goa,Panaji,train,,',
      /^row 2: no place named 'Goa' \(Goa \(PH, .*\)\) is within 4800 km, the most a train covers in those days, of 'Panaji'; add the country in from_country/,
    ],
    ['a name of several countries with none dominant: refused with the candidates', '2023-01-05,Springfield,Boston,train,,', null],
    [
      'an unknown name: refused naming the column',
      '2023-01-05,Xqzvillebourg,Paris,bus,,',
      /^row 2: From 'Xqzvillebourg' is not an airport code .*add the country in from_country$/,
    ],
    ['a village the gazetteer does not list, with its country: that country', '2023-01-05,Xqzvillebourg,Paris,bus,FR,', ['FR', 'FR']],
    ['English names of cities GeoNames writes in their language: Geneva, Cologne', '2023-01-05,Geneva,Cologne,train,,', ['CH', 'DE']],
    ['a small place confirmed by an airport within a ferry day: Mykonos from ATH', '2023-01-05,ATH,Mykonos,ferry,,', ['GR', 'GR']],
    [
      'a small place unconfirmed: Antwerp (only a US village of the gazetteer) to Lucerne',
      '2023-01-05,Antwerp,Lucerne,train,,',
      /^row 2: From 'Antwerp' is only known as Antwerp \(US, .*\), a small place the row's other end does not confirm; add the country in from_country$/,
    ],
    [
      'a small place by flight, where any distance is within reach: Rhodes (Australia) from ATH',
      '2023-01-05,ATH,Rhodes,flight,,',
      /^row 2: To 'Rhodes' is only known as Rhodes \(AU, .*\), a small place .*; add the country in to_country$/,
    ],
    [
      'a code in lower case: refused, saying to write it in capitals',
      '2023-01-05,cdg,MAD,flight,,',
      /write the code in capitals \('CDG', Paris-Charles De Gaulle Airport\) if it is that airport, or add the country in from_country$/,
    ],
  ])('%s', async (_name, row, expected) => {
    const r = await run(`date,from,to,mode,from_country,to_country\n${row}\n`);
    expect(r.segments.length + r.skipped.length).toBe(1);
    if (Array.isArray(expected)) {
      expect(r.skipped).toEqual([]);
      expect([r.segments[0]?.departureCountry, r.segments[0]?.arrivalCountry]).toEqual(expected);
      expect(r.segments[0]?.arrivalAirport).toBeUndefined();
    } else if (expected === null) {
      // Springfield, Boston: either refused as ambiguous, or (Boston being reachable) resolved in the US only.
      const reason = r.skipped[0]?.reason;
      if (reason) expect(reason).toMatch(/names places in several countries \(.*\); add the country in (from|to)_country/);
      else expect(r.segments[0]?.departureCountry).toBe('US');
    } else expect(r.skipped[0]?.reason).toMatch(expected);
  });

  test('a train file of Indian and European towns: none becomes an airport abroad', async () => {
    const rows = ['Leh,Delhi', 'Delhi,Agra', 'Ulm,Munich', 'Munich,Salzburg', 'Lima,Cusco', 'Ica,Lima'].map((p) => `2023-01-05,${p},train`);
    const r = await run(`date,from,to,mode\n${rows.join('\n')}\n`);
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => `${s.departureCountry}-${s.arrivalCountry}`)).toEqual(['IN-IN', 'IN-IN', 'DE-DE', 'DE-AT', 'PE-PE', 'PE-PE']);
    expect(r.segments.every((s) => s.departureAirport === undefined && s.arrivalAirport === undefined)).toBe(true);
  });
});

describe('land and sea rows never resolve through an airport code of another continent', () => {
  test.each([
    ['train', '2023-01-05,GOA,BOM,train', /^row 2: a train from GOA \(IT\) \(Europe\) to BOM \(IN\) \(Asia\) crosses continents through the airport code GOA/],
    // LIMA is the ICAO code of Turin-Aeritalia (IATA QIA): no Ica within a day's bus of it.
    [
      'bus',
      '2023-01-05,LIMA,Ica,bus',
      /^row 2: no place named 'Ica' \(Ica \(PE, .*\)\) is within 3600 km, the most a bus covers in those days, of QIA \(IT\); add the country in to_country/,
    ],
    [
      'bus with the country given',
      '2023-01-05,LIMA,Ica,bus,,PE',
      /^row 2: a bus from QIA \(IT\) \(Europe\) to Ica \(PE\) \(America\) crosses continents through the airport code QIA/,
    ],
  ])('%s', async (_mode, row, reason) => {
    const r = await run(`date,from,to,mode,from_country,to_country\n${row}\n`);
    expect(r.segments).toEqual([]);
    expect(r.skipped[0]?.reason).toMatch(reason);
  });

  test('the same codes by flight are a flight, a train between airports of one continent is kept, two trains between towns of one country on one day are two', async () => {
    const r = await run('date,from,to,mode\n2023-01-05,GOA,BOM,flight\n2023-01-06,CDG,BRU,train\n2023-01-07,Leh,Delhi,train\n2023-01-07,Delhi,Agra,train\n');
    expect(r.skipped).toEqual([]);
    expect(r.segments.map((s) => s.arrivalCountry)).toEqual(['IN', 'BE', 'IN', 'IN']);
  });
});

describe('a leg faster than its mode allows is flagged', () => {
  test.each([
    [
      'a bus Lisbon to Moscow in a day (over 150 km/h)',
      '2023-01-05,Lisbon,Moscow,bus,PT,RU,',
      /^row 2: Lisbon \(PT\) → Moscow \(RU\) by bus is \d+ km in at most 24 h \(\d+ km\/h on average, more than the 150 km\/h a bus can average\)/,
    ],
    ['a ferry Kos to Bodrum in a day: no warning', '2023-01-05,Kos,Bodrum,ferry,GR,TR,', null],
    ['the same bus over three days: no warning', '2023-01-05,Lisbon,Moscow,bus,PT,RU,2023-01-07', null],
  ])('%s', async (_name, row, warning) => {
    const r = await run(`date,from,to,mode,from_country,to_country,arrival_date\n${row}\n`);
    expect(r.segments).toHaveLength(1);
    if (warning) expect(r.warnings).toContainEqual(expect.stringMatching(warning));
    else expect(r.warnings).toEqual([]);
  });
});

test('a flight with both times faster than 1 100 km/h is flagged (LHR to JFK in 5 h: about 1 110 km/h)', async () => {
  const r = await run('date,from,to,departure_time,arrival_time\n2023-01-05,LHR,JFK,10:00,10:00\n2023-01-06,JFK,LHR,18:00,06:30\n');
  expect(r.segments).toHaveLength(2);
  expect(r.warnings).toEqual([expect.stringMatching(/^row 2: LHR → JFK \(\d+ km\) lands only 5\.0 h after departure once time zones are applied/)]);
});
