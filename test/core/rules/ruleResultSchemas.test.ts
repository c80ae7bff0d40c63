/**
 * The result schemas (core/ruleResultSchemas.ts) are the shapes the engine returns: every seed rule's result on
 * random itineraries parses under `RuleResultSchema` (strict objects: no field missing, none extra, dates real), and
 * a status document built from it under `VisaStatusDocSchema` (model/documents.ts). Then what the document schema
 * refuses (a field of another kind, too many past tax years) and how a status written before issue 12 is read.
 */
import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '@travel-time-tracker/core/dates';
import { prepareEvaluation } from '@travel-time-tracker/core/evaluate';
import { loadReferenceData } from '@travel-time-tracker/core/referenceData';
import { RuleResultSchema } from '@travel-time-tracker/core/ruleResultSchemas';
import { evaluateDefinitions, type RuleResult } from '@travel-time-tracker/core/ruleResults';
import { MAX_STORED_TAX_YEARS, StoredVisaStatusSchema, VisaStatusDocSchema } from '../../../functions/src/model/documents';
import { seg } from '../build';
import { buildItinerary, stepArb } from './itinerary';

const ref = loadReferenceData();
const computedAt = new Date('2026-05-01T12:00:00Z');
const docOf = (r: RuleResult, asOf: string) => ({ ...r, asOf, computedAt, segmentsHash: 'h' });

test('every seed rule, on random itineraries with planned stays, gives a result the schemas accept (200 itineraries)', () => {
  const arb = fc.record({
    steps: fc.array(stepArb(['FR', 'US', 'GB', 'TR', 'JP', 'MX', 'IE'], 400, 10), { maxLength: 20 }),
    asOfOffset: fc.integer({ min: -30, max: 2000 }),
    nationalities: fc.subarray(['US', 'GB', 'DE', 'JP', 'NZ']),
  });
  fc.assert(
    fc.property(arb, ({ steps, asOfOffset, nationalities }) => {
      const start = toDayNumber('2019-03-01');
      const asOf = fromDayNumber(start + asOfOffset);
      const results = evaluateDefinitions(prepareEvaluation(buildItinerary(start, steps), { asOf, nationalities }), ref.definitions);
      for (const r of results) {
        const parsed = RuleResultSchema.safeParse(r);
        if (!parsed.success) throw new Error(`${r.ruleId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        expect(parsed.data).toEqual(r);
        const doc = { ...docOf(r, asOf), ...(r.kind === 'tax-year-presence' ? { byTaxYear: r.byTaxYear.slice(-MAX_STORED_TAX_YEARS) } : {}) };
        expect(VisaStatusDocSchema.safeParse(doc).success).toBe(true);
      }
    }),
    { numRuns: 200 },
  );
});

describe('status documents by kind', () => {
  // A traveller in the UK since 2010 (so every tax year since has days), as of 2026-05-01.
  const results = evaluateDefinitions(prepareEvaluation([seg('FR', 'GB', '2010-01-01')], { asOf: '2026-05-01' }), ref.definitions);
  const of = (kind: RuleResult['kind']) => results.find((r) => r.kind === kind)!;
  const taxYear = of('tax-year-presence');

  test.each([
    { name: 'a rolling-window status', doc: () => docOf(of('rolling-window'), '2026-05-01'), ok: true },
    { name: 'a per-stay status', doc: () => docOf(of('per-stay'), '2026-05-01'), ok: true },
    { name: 'a weighted-lookback status', doc: () => docOf(of('weighted-lookback'), '2026-05-01'), ok: true },
    {
      name: `a tax-year-presence status with the latest ${MAX_STORED_TAX_YEARS} past tax years`,
      doc: () => ({ ...docOf(taxYear, '2026-05-01'), byTaxYear: taxYear.kind === 'tax-year-presence' ? taxYear.byTaxYear.slice(-MAX_STORED_TAX_YEARS) : [] }),
      ok: true,
    },
    // 2009-04-06 .. 2026-04-05: 17 past tax years with days (checked below), more than a document keeps.
    { name: 'a tax-year-presence status with every past tax year (17)', doc: () => docOf(taxYear, '2026-05-01'), ok: false },
    {
      name: 'a per-stay status with a rolling-window field (windowStart)',
      doc: () => ({ ...docOf(of('per-stay'), '2026-05-01'), windowStart: '2025-11-03' }),
      ok: false,
    },
    { name: 'a weighted-lookback status named per-stay', doc: () => ({ ...docOf(of('weighted-lookback'), '2026-05-01'), kind: 'per-stay' }), ok: false },
    { name: 'a status of an unknown kind', doc: () => ({ ...docOf(of('per-stay'), '2026-05-01'), kind: 'monthly' }), ok: false },
    { name: 'a status without computedAt', doc: () => ({ ...docOf(of('per-stay'), '2026-05-01'), computedAt: undefined }), ok: false },
  ])('$name -> $ok', ({ doc, ok }) => {
    expect(VisaStatusDocSchema.safeParse(doc()).success).toBe(ok);
  });

  test('the traveller of these cases has 17 past tax years', () => {
    expect(taxYear.kind === 'tax-year-presence' && [taxYear.byTaxYear.length, taxYear.byTaxYear[0]!.taxYearStart]).toEqual([17, '2009-04-06']);
  });

  test('a status written before issue 12 (no kind) is read as a rolling-window one; other kinds need their kind', () => {
    const { kind: _k, ...legacy } = docOf(of('rolling-window'), '2026-05-01');
    expect(VisaStatusDocSchema.safeParse(legacy).success).toBe(false);
    expect(StoredVisaStatusSchema.parse(legacy)).toEqual({ ...legacy, kind: 'rolling-window' });
    const { kind: _p, ...perStay } = docOf(of('per-stay'), '2026-05-01');
    expect(StoredVisaStatusSchema.safeParse(perStay).success).toBe(false);
  });
});
