/**
 * Status recompute: evaluates every visa rule for one user from the stored segments and writes
 * `users/{uid}/visaStatus/{ruleId}` and `users/{uid}/summaries/countryDays` (Firebase-free; the repository is
 * injected).
 *
 * ## Correctness under redelivery and concurrent writes
 * The written documents are a pure function of (stored segments, profile nationalities, the user's local date),
 * never of the event that asked for the recompute, so running it again for a redelivered event produces the same
 * documents; when nothing differs from what is stored, nothing is written (`changed: false`).
 * Two recomputes can race (two devices write at once): the one that read fewer segments may write last. So after
 * writing, the recompute lists the segments again and, when their fingerprint (`segmentsHash`) differs from the
 * one it evaluated, evaluates again (at most `MAX_ATTEMPTS` times). Every recompute ends with a verifying read
 * that happened after its own write, hence the last write always reflects segments that were current after it,
 * and any later segment write fires its own trigger.
 *
 * ## Cost bound (what makes an import of N segments cheap)
 * A segment event is skipped, without evaluating, when (a) the segment came from an import that is still
 * `queued`/`processing` (the import recomputes once at its end), or (b) the stored status was computed from a read
 * that started at least `EVENT_CLOCK_MARGIN_MS` after the event's commit time, i.e. it already reflects this write
 * (late and redelivered events). A skipped event costs at most 2 document reads and no write. So an import of N
 * segments costs one full recompute (2N segment reads + R status reads, R + 1 writes for R rules) plus at most
 * 2 reads per segment event, instead of N recomputes of N segments. (The import then recomputes once more after
 * marking itself done, so that an edit whose event was skipped meanwhile is not lost: N + R more reads, and no
 * write unless such an edit happened; services/importJob.ts.)
 *
 * ## Account deletion
 * Every write here goes through a repository transaction that reads the account's deletion marker first; once the
 * account is deleted the write is refused (`AccountDeletedError`) and the recompute stops with `accountDeleted`.
 */
import { createHash } from 'node:crypto';
import { addDays, todayIn } from '../core/dates';
import { IdentifiedSegmentSchema, evaluateTravel, type TravelEvaluation } from '../core/evaluate';
import { describeZodError } from '../core/validation';
import { loadReferenceData } from '../core/referenceData';
import { isTimeZone } from '../core/timeZones';
import { segmentFields, type IdentifiedSegment } from '../core/segment';
import { computeNextAlertAt } from '../alerts/policy';
import { logEvent } from '../log';
import type { CountryDaysDoc, SegmentDoc, UserProfile, VisaStatusDoc } from '../model/documents';
import { isAccountDeletedError, type Repository, type StoredSegment } from '../repository/types';

/** Evaluate-write-verify rounds before giving up on a user whose segments keep changing (the next write retries). */
export const MAX_ATTEMPTS = 4;

/**
 * A stored status reflects a segment write when it was computed at least this long after the write's commit
 * time (allows for clock skew between Firestore's commit timestamps and the function's clock).
 */
export const EVENT_CLOCK_MARGIN_MS = 2_000;

/** An import document not updated for this long is no longer running (the import function's timeout is 9 minutes). */
export const STALE_IMPORT_MS = 15 * 60_000;

/** At most this many warnings are stored on the summary (Firestore's 1 MiB document limit). */
export const MAX_STORED_WARNINGS = 100;

/** Source value of segments the app writes (anything else is an import id). */
export const MANUAL_SOURCE = 'manual';

export interface RecomputeOptions {
  /** The evaluation instant: decides the user's local "today" (`asOf`) and is stored as `computedAt`. */
  now: Date;
  /** CloudEvent id of the event that caused the recompute (logged only). */
  eventId?: string;
  /**
   * A closing check after another recompute of the same run (the import's): when the evaluation equals what is
   * stored, the profile's schedule (`nextAlertAt`, `nextRecomputeAt`) is left as that recompute set it, so that
   * the check writes nothing at all (a redelivered event then changes nothing either).
   */
  checkOnly?: boolean;
}

export interface RecomputeResult {
  statuses: VisaStatusDoc[];
  countryDays: CountryDaysDoc;
  /** False when the stored documents already equalled this evaluation (nothing written). */
  changed: boolean;
  /** True when a write was refused because the account is deleted (its deletion marker exists). */
  accountDeleted?: boolean;
}

/** The core fields of a stored segment, as the day-counting core takes them. */
export function toCoreSegment(s: StoredSegment): IdentifiedSegment {
  const { source: _source, createdAt: _c, updatedAt: _u, ...core } = s.data;
  return { ...core, id: s.id };
}

/**
 * The stored segments the core can evaluate, and one warning per segment left out. A stored document that breaks
 * the segment schema (written before a rule change, or by a buggy client) must not stop the whole user's status
 * from being computed, nor make the trigger retry forever; it is left out and named in the summary's warnings,
 * which the app shows, so the traveller can fix it.
 */
export function coreSegmentsOf(stored: readonly StoredSegment[]): { segments: IdentifiedSegment[]; warnings: string[] } {
  const segments: IdentifiedSegment[] = [];
  const warnings: string[] = [];
  for (const s of stored) {
    const core = toCoreSegment(s);
    const r = IdentifiedSegmentSchema.safeParse(core);
    if (r.success) segments.push(core);
    else warnings.push(`segment "${s.id}" was left out of the count because it is invalid: ${describeZodError(r.error)}`);
  }
  return { segments, warnings };
}

/** Free-text segment fields: they never change an evaluation. */
const FREE_TEXT_KEYS = new Set(['flightNumber', 'notes', 'purpose', 'entryPoint']);
/** Segment fields that can change an evaluation: every schema field but the free text. */
const CORE_KEYS = Object.keys(segmentFields).filter((k) => !FREE_TEXT_KEYS.has(k));

/**
 * Fingerprint of the segments an evaluation reads: SHA-256 (hex, first 32 characters) over the ids and the
 * fields that influence day counting, in id order. Free-text fields (notes, flight number, purpose, entry point)
 * are left out so that editing a note does not count as a change.
 */
export function segmentsHash(segments: readonly StoredSegment[]): string {
  const h = createHash('sha256');
  const sorted = [...segments].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const s of sorted) {
    h.update(s.id);
    for (const k of CORE_KEYS) h.update(`\u0000${String((s.data as Record<string, unknown>)[k] ?? '')}`);
    h.update('\u0001');
  }
  return h.digest('hex').slice(0, 32);
}

/** A time zone `Intl` accepts, else UTC (a profile with a bad zone must not stop its status being computed). */
export function safeTimeZone(tz: string | undefined | null): string {
  return tz && isTimeZone(tz) ? tz : 'UTC';
}

/**
 * The first instant (UTC `Date`, minute precision) at which the local date in `timeZone` is the day after the
 * local date at `now`: local midnight, or the first minute after a DST gap that skips midnight.
 */
export function startOfNextLocalDay(timeZone: string, now: Date): Date {
  const tomorrow = addDays(todayIn(timeZone, now), 1);
  // The local date changes exactly once between now and now + 27 h (the largest offset change is < 3 h).
  let lo = Math.floor(now.getTime() / 60_000);
  let hi = lo + 27 * 60;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (todayIn(timeZone, new Date(mid * 60_000)) >= tomorrow) hi = mid;
    else lo = mid;
  }
  return new Date(hi * 60_000);
}

/**
 * When the scheduled recompute must next look at this user, or null when the status cannot change with time
 * alone: it can while the traveller is inside a rule's region on `asOf` (days used grow), and while any
 * segment date lies within the 180-day period ending tomorrow or in the future (days leave or enter the window).
 * The longest period of any rule (`periodDays`) is used; Schengen: 180 days (Regulation (EU) 2016/399 Art. 6(1)).
 */
export function nextRecomputeAt(
  segments: readonly StoredSegment[],
  evaluation: TravelEvaluation,
  timeZone: string,
  now: Date,
  periodDays: number,
): Date | null {
  if (segments.length === 0) return null;
  const present = evaluation.rules.some((r) => r.applies && r.currentStayStart !== null);
  let last = '';
  for (const s of segments) {
    if (s.data.departureDate > last) last = s.data.departureDate;
    if (s.data.arrivalDate > last) last = s.data.arrivalDate;
  }
  // A presence day on or after today's window start still leaves the window later; a future one enters it.
  const windowStartToday = addDays(evaluation.asOf, 1 - periodDays);
  if (!present && last < windowStartToday) return null;
  return startOfNextLocalDay(timeZone, now);
}

function sameStatus(a: VisaStatusDoc, b: VisaStatusDoc | null): boolean {
  if (!b) return false;
  const { computedAt: _a, ...ra } = a;
  const { computedAt: _b, ...rb } = b;
  return JSON.stringify(ra, Object.keys(ra).sort()) === JSON.stringify(rb, Object.keys(rb).sort());
}

function sameInstant(a: Date | null | undefined, b: Date | null | undefined): boolean {
  return (a?.getTime() ?? null) === (b?.getTime() ?? null);
}

/** Ids of the rules the core evaluates, in order (the first one is read to decide whether an event is stale). */
export function activeRuleIds(): string[] {
  return loadReferenceData().rules.map((r) => r.id);
}

function longestPeriodDays(): number {
  let max = 180;
  for (const r of loadReferenceData().rules) {
    const p = (r as { params?: { periodDays?: unknown } }).params?.periodDays;
    if (typeof p === 'number' && p > max) max = p;
  }
  return max;
}

/** Builds the documents of one evaluation. */
export function evaluationDocs(
  evaluation: TravelEvaluation,
  hash: string,
  computedAt: Date,
): { statuses: VisaStatusDoc[]; countryDays: CountryDaysDoc } {
  const statuses: VisaStatusDoc[] = evaluation.rules.map((r) => ({
    ruleId: r.ruleId,
    asOf: evaluation.asOf,
    applies: r.applies,
    daysUsed: r.daysUsed,
    daysRemaining: r.daysRemaining,
    overstayDays: r.overstayDays,
    windowStart: r.windowStart,
    windowEnd: r.windowEnd,
    latestExitDate: r.latestExitDate,
    nextEntryDate: r.nextEntryDate,
    firstViolationDate: r.firstViolationDate,
    currentStayStart: r.currentStayStart,
    computedAt,
    segmentsHash: hash,
  }));
  const countryDays: CountryDaysDoc = {
    asOf: evaluation.asOf,
    countryDays: evaluation.countryDays,
    countryDaysByYear: evaluation.countryDaysByYear,
    warnings:
      evaluation.warnings.length > MAX_STORED_WARNINGS
        ? [...evaluation.warnings.slice(0, MAX_STORED_WARNINGS), `and ${evaluation.warnings.length - MAX_STORED_WARNINGS} more warnings`]
        : evaluation.warnings,
    computedAt,
    segmentsHash: hash,
  };
  return { statuses, countryDays };
}

/**
 * Re-evaluates every rule for `uid` and stores the result when it differs from what is stored; then updates the
 * profile's `nextAlertAt` (alerts policy) and `nextRecomputeAt` (scheduled recompute) when they changed.
 *
 * Works without a profile (defaults: UTC, no nationality, so every rule applies), because a profile may not exist
 * yet when the first segment arrives. Idempotent (see the file docstring).
 *
 * Writes nothing when there is no profile and no segment, or when the profile disappears during the run (an
 * account deletion): see the comment in the body. Writes nothing either once the account's deletion marker exists:
 * the repository refuses the write in the same transaction (`AccountDeletedError`), and the recompute then stops
 * and returns `accountDeleted: true` instead of throwing (retrying could not succeed).
 *
 * Reads: 1 profile + N segments + R statuses, + 1 profile + N segments for the verifying read when it wrote.
 * Writes: R + 1 when the evaluation changed, + 1 profile update when a schedule field changed.
 * @throws whatever the repository throws (the trigger then lets Cloud Functions retry).
 */
export async function recomputeUser(repo: Repository, uid: string, opts: RecomputeOptions): Promise<RecomputeResult> {
  const { now, eventId } = opts;
  let profile = await repo.getProfile(uid);
  // A profile that existed when the recompute started and is gone later was deleted (deleteAccount): nothing may be
  // written under that user any more. Without a profile and without segments there is nothing to reflect either:
  // that is also what every segment-delete event of an account deletion finds, and writing the (empty) evaluation
  // then would recreate visaStatus/summaries under the deleted user.
  const hadProfile = profile !== null;
  let segments = await repo.listSegments(uid);
  let result: RecomputeResult | undefined;
  let evaluation: TravelEvaluation | undefined;
  let anyWrite = false;
  let userGone = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const timeZone = safeTimeZone(profile?.timeZone);
    const asOf = todayIn(timeZone, now);
    const nationalities = profile?.nationalities ?? [];
    const hash = segmentsHash(segments);
    const usable = coreSegmentsOf(segments);
    evaluation = evaluateTravel(usable.segments, { asOf, nationalities });
    if (usable.warnings.length > 0) evaluation = { ...evaluation, warnings: [...usable.warnings, ...evaluation.warnings] };
    const docs = evaluationDocs(evaluation, hash, now);
    if (!profile && (hadProfile || segments.length === 0)) {
      userGone = true;
      result = { ...docs, changed: anyWrite };
      break;
    }
    const stored = await Promise.all(docs.statuses.map((s) => repo.getVisaStatus(uid, s.ruleId)));
    const changed = docs.statuses.some((s, i) => !sameStatus(s, stored[i] ?? null));
    if (!changed) {
      result = { ...docs, changed: anyWrite };
      break;
    }
    try {
      await repo.putEvaluation(uid, docs.statuses, docs.countryDays);
    } catch (e) {
      if (!isAccountDeletedError(e)) throw e;
      result = { ...docs, changed: anyWrite, accountDeleted: true };
      userGone = true;
      break;
    }
    anyWrite = true;
    result = { ...docs, changed: true };
    // Verify after writing: the segments AND the profile inputs (nationalities, time zone, notification settings)
    // must still be those evaluated; a profile edit racing this recompute must not be overwritten by a status
    // computed for the old profile (its own recompute may have written before this one).
    const [afterProfile, after] = await Promise.all([repo.getProfile(uid), repo.listSegments(uid)]);
    if (segmentsHash(after) === hash && sameProfileInputs(profile, afterProfile)) break;
    logEvent('INFO', 'recompute.retried', { uid, eventId, attempt, reason: 'segments or profile changed during recompute' });
    segments = after;
    profile = afterProfile;
  }
  if (!result || !evaluation) throw new Error('unreachable: no evaluation');
  const timeZone = safeTimeZone(profile?.timeZone);

  if (profile && !result.accountDeleted && !(opts.checkOnly && !result.changed)) {
    try {
      await updateSchedule(repo, uid, profile, result.statuses, segments, evaluation, timeZone, now);
    } catch (e) {
      if (!isAccountDeletedError(e)) throw e;
      result = { ...result, accountDeleted: true };
      userGone = true;
    }
  }

  logEvent('INFO', 'recompute.done', {
    uid,
    eventId,
    asOf: evaluation.asOf,
    segments: segments.length,
    rules: result.statuses.length,
    changed: result.changed,
    userGone,
  });
  return result;
}

/** JSON with object keys sorted at every depth (Firestore does not preserve map key order). */
function canonicalJson(v: unknown): string {
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Whether two reads of the profile give the same recompute inputs (existence, nationalities, time zone, notifications). */
function sameProfileInputs(a: UserProfile | null, b: UserProfile | null): boolean {
  if (a === null || b === null) return a === b;
  const key = (p: UserProfile) => canonicalJson([p.nationalities ?? null, p.timeZone ?? null, p.notifications ?? null]);
  return key(a) === key(b);
}

async function updateSchedule(
  repo: Repository,
  uid: string,
  profile: UserProfile,
  statuses: readonly VisaStatusDoc[],
  segments: readonly StoredSegment[],
  evaluation: TravelEvaluation,
  timeZone: string,
  now: Date,
): Promise<void> {
  const nextAlertAt = computeNextAlertAt(profile, statuses, now);
  const nextRecompute = nextRecomputeAt(segments, evaluation, timeZone, now, longestPeriodDays());
  const patch: Partial<UserProfile> = {};
  if (!sameInstant(profile.nextAlertAt, nextAlertAt)) patch.nextAlertAt = nextAlertAt;
  if (!sameInstant(profile.nextRecomputeAt, nextRecompute)) patch.nextRecomputeAt = nextRecompute;
  if (Object.keys(patch).length > 0) await repo.updateProfile(uid, patch);
}

/** What a segment-write event says about the write (from the CloudEvent; no document read needed). */
export interface SegmentWriteEvent {
  uid: string;
  segmentId: string;
  /** CloudEvent id (redeliveries share it). */
  eventId: string;
  /** Commit time of the write (CloudEvent `time`). */
  eventTime: Date;
  /** `source` of the segment after the write, or before it for a delete; undefined when absent. */
  source: string | undefined;
  /** True when the write deleted the segment (an account deletion's sweep fires one such event per segment). */
  deleted?: boolean;
}

export type SegmentWriteOutcome =
  | { action: 'skipped'; reason: 'import-in-progress' | 'already-reflected' }
  | { action: 'recomputed'; changed: boolean }
  /** The account is deleted: nothing was written; `erased` when a write made after the deletion was erased. */
  | { action: 'account-deleted'; erased: boolean };

/**
 * After a recompute found the account deleted (its write refused): erases the user's documents again when the
 * event's write may have been committed after the deletion began (commit time not earlier than the marker's
 * `deletedAt` minus the clock margin). Such a write is one the app made with a still-valid ID token (Firebase ID
 * tokens stay valid up to an hour after the Auth user is deleted), e.g. an offline queue flushed late; the
 * backend's own writes cannot land after the marker. Writes committed before the marker are the sweep's job, so
 * their events (an import's segment creations arriving during the deletion) do not sweep again.
 * `eventTime` null: unknown, always erase. Returns whether it erased. Idempotent (the sweep is).
 */
export async function eraseWritesAfterDeletion(repo: Repository, uid: string, eventTime: Date | null, eventId?: string): Promise<boolean> {
  const deletedAt = await repo.getAccountDeletedAt(uid);
  if (!deletedAt) return false;
  if (eventTime && eventTime.getTime() < deletedAt.getTime() - EVENT_CLOCK_MARGIN_MS) return false;
  await repo.deleteUserData(uid);
  logEvent('INFO', 'account.strayWritesErased', { uid, eventId });
  return true;
}

/**
 * Handles one write of `users/{uid}/segments/{segmentId}`: skips it when an import in progress will recompute
 * anyway or when the stored status already reflects it (see the file docstring), else recomputes the user. When
 * the account turns out to be deleted, erases a write the app made after the deletion (`eraseWritesAfterDeletion`).
 * Idempotent: a redelivered event is either skipped (already reflected) or recomputes to the same documents.
 */
export async function handleSegmentWrite(repo: Repository, event: SegmentWriteEvent, now: Date): Promise<SegmentWriteOutcome> {
  const { uid, eventId } = event;
  if (event.source && event.source !== MANUAL_SOURCE) {
    const imp = await repo.getImport(uid, event.source);
    // An import stuck in `processing` longer than the import function can run (it crashed and will not be
    // retried) no longer stands in for the recompute.
    const running = imp && (imp.status === 'queued' || imp.status === 'processing') && event.eventTime.getTime() - imp.updatedAt.getTime() < STALE_IMPORT_MS;
    if (running) {
      logEvent('DEBUG', 'segment.event.skipped', { uid, eventId, importId: event.source, reason: 'import-in-progress' });
      return { action: 'skipped', reason: 'import-in-progress' };
    }
  }
  const firstRule = activeRuleIds()[0];
  if (firstRule !== undefined) {
    // All rule statuses are written in one batch with one computedAt, so the first one stands for all.
    const status = await repo.getVisaStatus(uid, firstRule);
    if (status && status.computedAt.getTime() >= event.eventTime.getTime() + EVENT_CLOCK_MARGIN_MS) {
      logEvent('DEBUG', 'segment.event.skipped', { uid, eventId, segmentId: event.segmentId, reason: 'already-reflected' });
      return { action: 'skipped', reason: 'already-reflected' };
    }
  }
  const r = await recomputeUser(repo, uid, { now, eventId });
  if (r.accountDeleted) {
    // A delete event is the sweep's own (or removes data anyway): nothing to erase.
    const erased = event.deleted ? false : await eraseWritesAfterDeletion(repo, uid, event.eventTime, eventId);
    return { action: 'account-deleted', erased };
  }
  return { action: 'recomputed', changed: r.changed };
}
