/** Runs `travel-days` through `main()` and captures stdout, stderr and the exit code (shared by the CLI tests). */
import { main } from '@travel-time-tracker/cli/report';

export async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}
