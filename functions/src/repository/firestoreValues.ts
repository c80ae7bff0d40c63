/**
 * Values between the documents and Cloud Firestore through firebase-admin: every `Timestamp` read becomes a `Date`
 * (`fromFirestore`), `undefined` fields are dropped before writing (`toFirestore`: firebase-admin rejects them unless
 * `ignoreUndefinedProperties` is set), commit times in microseconds since the epoch (`timestampMicros`), and the gRPC
 * status codes firebase-admin reports on `error.code` (`hasCode`).
 */
import { Timestamp } from 'firebase-admin/firestore';

/** gRPC status codes firebase-admin reports on `error.code`. */
export const NOT_FOUND = 5;
export const ALREADY_EXISTS = 6;

/** A Firestore Timestamp in microseconds since the epoch (commit times have microsecond precision). */
export function timestampMicros(t: Timestamp): number {
  return t.seconds * 1_000_000 + Math.floor(t.nanoseconds / 1000);
}

/** Whether `error` is a firebase-admin error with this gRPC status code. */
export function hasCode(error: unknown, code: number): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Converts every Timestamp in a value read from Firestore into a Date (recursively). */
export function fromFirestore<T>(value: unknown): T {
  if (value instanceof Timestamp) return value.toDate() as T;
  if (Array.isArray(value)) return value.map((v) => fromFirestore(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromFirestore(v);
    return out as T;
  }
  return value as T;
}

/** Copy of a value to write, without `undefined` fields (Dates are kept; firebase-admin converts them). */
export function toFirestore<T>(value: T): T {
  if (Array.isArray(value)) return (value as unknown[]).map((v) => toFirestore(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toFirestore(v);
    return out as T;
  }
  return value;
}
