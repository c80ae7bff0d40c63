/** The reads/writes benchmark runs (small sizes) and shows costs that do not grow with the stored segments. */
import { benchReads } from '../../../tools/bench/reads';

test('reads and writes per operation are the same at 100 and 1 000 stored segments', async () => {
  const lines = await benchReads([100, 1_000], 500, []);
  const ops = lines.filter((l) => /stored segments: /.test(l));
  expect(ops).toHaveLength(2 * 15);
  for (const l of ops) expect(l).toMatch(/^[a-z][^,]*(, [^,]*)?, \d+ stored segments: [\d,]+ reads, [\d,]+ writes/);
  const costOf = (n: number) => ops.filter((l) => l.includes(` ${n} stored segments`)).map((l) => l.replace(/, \d+ stored segments/, ''));
  expect(costOf(1_000)).toEqual(costOf(100));
  // The timeline head and the summary among them, and the Schengen status: the traveller stays in the Schengen area,
  // so its days are as they were, but moving the trip from France to Germany from 21 to 22 November records a day
  // of what was the open end after the last record, so the status's `assumedDays` changes (2 -> 1) and is written.
  expect(ops).toContain('edit, 1000 stored segments: 2 reads, 4 writes');
  // As many reads with one rule of each kind: one evaluation pass; only the Schengen status changes.
  expect(ops).toContain('edit, 4 tracked rules, 1000 stored segments: 2 reads, 4 writes');
  expect(ops).toContain('profile edit (nationality: rule input), 4 tracked rules, 1000 stored segments: 3 reads, 3 writes');
}, 120_000);
