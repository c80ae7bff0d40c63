/** The benchmark runs (small sizes) and shows the run's reads depend on due users only. */
import { benchAlerts } from '../../../tools/bench/alertsBench';

test('reads per run grow with due users, not total users', async () => {
  const lines = await benchAlerts([200, 2_000], [5, 20]);
  expect(lines[lines.length - 1]).toMatch(/^reads per run = 11 x due users/);
  const rows = lines.slice(1, -1).map((l) => l.trim().split(/\s+/));
  expect(rows).toHaveLength(8);
  // Same due count and status freshness: identical reads whatever the total.
  const key = (r: string[]) => `${r[1]} ${r[2]}`;
  const readsBy = new Map<string, Set<string>>();
  for (const r of rows) readsBy.set(key(r), (readsBy.get(key(r)) ?? new Set()).add(`${r[3]}+${r[4]}`));
  for (const s of readsBy.values()) expect(s.size).toBe(1);
  // Every due user got its push.
  for (const r of rows) expect(r[9]).toBe(r[1]);
}, 60_000);
