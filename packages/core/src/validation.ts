/**
 * Turns zod errors into sentences a person understands, naming the field (and row, when given).
 * Shared by the import pipeline, the callables (HttpsError messages), the CLI and the tests.
 */
import type { ZodError, ZodType, z } from 'zod';

/** Thrown by `parseOrThrow`: `message` is the readable sentence, `issues` the individual field problems. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

/**
 * `a.b[2].c` path of a zod issue.
 * @example
 * issuePath(['segments', 3, 'arrivalDate']) //=> 'segments[3].arrivalDate'
 */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/**
 * One sentence per problem, joined with "; ", for example
 * `segments[3].arrivalDate must be a real calendar date written YYYY-MM-DD`.
 * @param what prefix naming the thing validated, e.g. `row 12` or `planTrip data`.
 * @example
 * const { error } = PlannedStaySchema.safeParse({ country: 'FR', entryDate: '2026-02-30' })
 * describeZodError(error, 'trip 1')
 * //=> 'trip 1: entryDate must be a real calendar date written YYYY-MM-DD; exitDate is required'
 */
export function describeZodError(error: ZodError, what?: string): string {
  const parts = error.issues.map((i) => {
    const path = issuePath(i.path);
    let msg = i.message;
    if (i.code === 'invalid_type' && /received undefined/.test(msg)) msg = 'is required';
    else if (i.code === 'unrecognized_keys') msg = `has unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    return path ? `${path} ${msg}` : msg;
  });
  const body = parts.join('; ');
  return what ? `${what}: ${body}` : body;
}

/**
 * Parses `value` with `schema` or throws a ValidationError with a readable message.
 * @throws ValidationError
 * @example
 * parseOrThrow(PlannedStaySchema, { country: 'FR', entryDate: '2026-03-01', exitDate: '2026-03-05' })
 * //=> { country: 'FR', entryDate: '2026-03-01', exitDate: '2026-03-05' }
 * parseOrThrow(PlannedStaySchema, { country: 'FR', entryDate: '2026-03-05', exitDate: '2026-03-01' }) //=> throws ValidationError
 */
export function parseOrThrow<S extends ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    describeZodError(result.error, what),
    result.error.issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
  );
}
