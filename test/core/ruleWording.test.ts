/**
 * The words the report and the alerts share (core/ruleWording.ts): where a rule counts days, with the article a
 * sentence needs, its limit, and the sentences of each kind.
 */
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { days, daysLeftInVisit, limitOf, overVisitLimit, placeInSentence, placeOf, willReach } from '@travel-time-tracker/core/ruleWording';

const ref = loadReferenceData();

test.each([
  { where: { region: 'SCHENGEN' }, name: 'the Schengen area', inSentence: 'the Schengen area' },
  { where: { countries: ['US', 'PR', 'VI', 'GU', 'MP'] }, name: 'United States (with PR, VI, GU, MP)', inSentence: 'the United States (with PR, VI, GU, MP)' },
  { where: { countries: ['GB'] }, name: 'United Kingdom', inSentence: 'the United Kingdom' },
  { where: { countries: ['JP'] }, name: 'Japan', inSentence: 'Japan' },
  { where: { countries: ['TR'] }, name: 'Türkiye', inSentence: 'Türkiye' },
  { where: { countries: ['NL'] }, name: 'Netherlands', inSentence: 'the Netherlands' },
  { where: { countries: ['KY'] }, name: 'Cayman Islands', inSentence: 'the Cayman Islands' },
  { where: { countries: ['CY'] }, name: 'Cyprus', inSentence: 'Cyprus' },
  { where: { countries: ['ZZ'] }, name: 'ZZ', inSentence: 'ZZ' },
])('$name', ({ where, name, inSentence }) => {
  expect([placeOf(where, ref), placeInSentence(where, ref)]).toEqual([name, inSentence]);
});

test('the limit of each seed rule, in words', () => {
  expect(Object.fromEntries(ref.definitions.map((d) => [d.id, limitOf(d)]))).toEqual({
    'schengen-90-180': '90 days in any 180-day period',
    'tr-visa-exempt-90-180': '90 days in any 180-day period',
    'us-vwp-90-per-admission': 'at most 90 days per visit',
    'uk-visitor-6-months': 'at most 6 months per visit',
    'jp-temporary-visitor-90': 'at most 90 days per visit',
    'uk-srt-183': 'at least 183 days in a tax year',
    'us-substantial-presence': 'at least 31 days this year and 183 weighted days over 3 years',
  });
});

test('sentences: one day is singular; a place that has its article keeps it', () => {
  expect([days(1), daysLeftInVisit(1), daysLeftInVisit(12), overVisitLimit(1)]).toEqual([
    '1 day',
    '1 day left in this visit',
    '12 days left in this visit',
    '1 day over the limit of this visit',
  ]);
  expect(willReach(183, 'United Kingdom', '2026-11-02')).toBe('you will reach 183 days in the United Kingdom tax year on 2026-11-02');
  expect(willReach(183, 'the Schengen area', '2026-11-02')).toBe('you will reach 183 days in the Schengen area tax year on 2026-11-02');
});
