/**
 * Real flight histories (../shared/samples, see its SOURCES.md) through the import pipeline and then the
 * day-counting core, compared with the naive reference at several evaluation dates. This checks the engine on
 * real itineraries (connections flagged as transits, date-line flights, gaps, future flights) rather than the
 * importer: files the importer cannot read are listed, not failed.
 */
import { addDays } from '@travel-time-tracker/core/dates';
import { evaluateTravel } from '@travel-time-tracker/core/evaluate';
import { importFile } from '@travel-time-tracker/import';
import type { IdentifiedSegment } from '@travel-time-tracker/core/segment';
import { describeWithSamples, listSampleFiles, samplePath } from '../helpers/samples';
import { naiveCountryDays, naivePresence, naiveRegionDays, naiveRule } from './naiveReference';

describeWithSamples('real samples: engine vs naive reference', () => {
  const files = listSampleFiles();

  test.each(files)('%s', async (file) => {
    let imported;
    try {
      imported = await importFile(samplePath(file), { importDate: '2026-07-01' });
    } catch (e) {
      console.warn(`${file}: not imported (${(e as Error).message}); nothing to compare`);
      return;
    }
    const segments: IdentifiedSegment[] = imported.segments.map(({ row: _row, planned: _planned, ...s }, i) => ({ ...s, id: `row-${i}` }));
    if (segments.length === 0) return;
    const dates = segments.map((s) => s.departureDate).sort();
    const first = dates[0]!;
    const last = dates[dates.length - 1]!;
    const middle = dates[Math.floor(dates.length / 2)]!;
    for (const asOf of [middle, addDays(middle, 45), last, addDays(last, 100)]) {
      if (asOf < first) continue;
      const res = evaluateTravel(segments, { asOf });
      const np = naivePresence(segments, asOf);
      const want = naiveRule(naiveRegionDays(np, 'SCHENGEN'), asOf, 90, 180);
      expect({ file, asOf, ...res.rules[0] }).toEqual({
        file,
        asOf,
        ruleId: 'schengen-90-180',
        applies: true,
        reason: null,
        permitDaysExcluded: 0,
        exemptDaysExcluded: 0,
        ...want,
      });
      const cd = naiveCountryDays(np, asOf);
      expect(res.countryDays).toEqual(cd.countryDays);
      expect(res.countryDaysByYear).toEqual(cd.countryDaysByYear);
    }
  });
});
