/**
 * The timeline head's fields other than records (Firebase-free): everything a recompute needs that is not a segment.
 * {@link TimelineHead} is their one owner: they change only through its methods, every caller reads them through
 * `meta`, which is read-only, and `changed` says whether the head must be written again.
 */
import type { ProfileInputs, TimelineHeadDoc, VisaStatusDoc } from '../model/documents';
import { isLegacyStatus } from '../model/documents';

/** What the head holds besides records. */
export interface TimelineMeta {
  /** Version (microseconds) before which an id with no record did not exist (a write of it is stale). */
  floor: number;
  /** The profile's rule inputs (null: no profile). */
  profile: ProfileInputs | null;
  /** The status documents as last written. */
  statuses: VisaStatusDoc[];
  /** Fingerprint of the summary last written. */
  summaryKey: string | null;
  /** What the recompute last wrote to `users/{uid}.nextAlertAt`. */
  alertAt: Date | null;
  /** First instant at which a status can change with time alone (the daily run's query); null: none can. */
  nextRecomputeAt: Date | null;
  /** The daily run's record of this user. */
  daily: { failures: number; lastError: string | null; evalMs: number };
  /** The imports counted against the per-day cap, on the user's local `date`. */
  imports: { date: string; ids: string[] };
}

function emptyMeta(): TimelineMeta {
  return {
    floor: 0,
    profile: null,
    statuses: [],
    summaryKey: null,
    alertAt: null,
    nextRecomputeAt: null,
    daily: { failures: 0, lastError: null, evalMs: 0 },
    imports: { date: '', ids: [] },
  };
}

/** The head's fields of a timeline, with what they were when read (to tell whether the head must be written). */
export class TimelineHead {
  private readonly fields: TimelineMeta;
  private readonly atLoad: string;
  /**
   * Ids of the head's statuses written before statuses had a `kind` (`meta.statuses` has them with their kind): the
   * recompute writes their documents again, then drops the id here; until then the head keeps them as they were.
   */
  private readonly legacyStatusIds: Set<string>;
  private readonly legacyAtLoad: number;

  private constructor(fields: TimelineMeta, existed: boolean, legacyStatusIds: readonly string[]) {
    this.fields = fields;
    this.atLoad = existed ? JSON.stringify(fields) : '';
    this.legacyStatusIds = new Set(legacyStatusIds);
    this.legacyAtLoad = this.legacyStatusIds.size;
  }

  /** The head of a timeline that has no document yet. */
  static empty(): TimelineHead {
    return new TimelineHead(emptyMeta(), false, []);
  }

  /** The head's fields of a head document that passed its schema; `raw` is the document as stored. */
  static read(h: TimelineHeadDoc, raw: unknown): TimelineHead {
    const fields: TimelineMeta = {
      floor: h.floor,
      profile: h.profile,
      statuses: h.statuses,
      summaryKey: h.summaryKey,
      alertAt: h.alertAt,
      nextRecomputeAt: h.nextRecomputeAt,
      daily: h.daily,
      imports: h.imports,
    };
    // Statuses written before statuses had a `kind` are read as rolling-window ones; the next evaluation writes them
    // again, with their kind, although their numbers did not change.
    const statuses = (raw as { statuses?: unknown }).statuses;
    const legacy = Array.isArray(statuses) ? statuses.filter(isLegacyStatus).map((s) => String((s as { ruleId?: unknown }).ruleId)) : [];
    return new TimelineHead(fields, true, legacy);
  }

  /** The fields, read-only: they change only through the methods below. */
  get meta(): Readonly<TimelineMeta> {
    return this.fields;
  }

  /** Whether a field changed since the head was read (always true for a head not stored yet). */
  get changed(): boolean {
    return JSON.stringify(this.fields) !== this.atLoad || this.legacyStatusIds.size !== this.legacyAtLoad;
  }

  /** Whether the head still holds `ruleId`'s status as written before statuses had a `kind` (write it again). */
  hasLegacyStatus(ruleId: string): boolean {
    return this.legacyStatusIds.has(ruleId);
  }

  /** The statuses as the head document stores them: a status whose document still lacks `kind` stays without it. */
  storedStatuses(): VisaStatusDoc[] {
    return this.fields.statuses.map((s) => {
      if (!this.legacyStatusIds.has(s.ruleId)) return s;
      const { kind: _kind, ...legacy } = s;
      return legacy as VisaStatusDoc;
    });
  }

  /** Moves the floor up to `version` (never down). */
  raiseFloor(version: number): void {
    if (version > this.fields.floor) this.fields.floor = version;
  }

  /** Replaces the copy of the profile's rule inputs (null: no profile). */
  setProfile(inputs: ProfileInputs | null): void {
    this.fields.profile = inputs;
  }

  /** Records the recompute's alert schedule (what it last wrote to `users/{uid}.nextAlertAt`). */
  setAlertAt(at: Date | null): void {
    this.fields.alertAt = at;
  }

  /** Records the first instant at which a status can change with time alone (null: none can). */
  setNextRecomputeAt(at: Date | null): void {
    this.fields.nextRecomputeAt = at;
  }

  /**
   * Records what a commit of an evaluation writes: `statuses`, when given, become the head's record of the status
   * documents; `rewritten` are the rule ids whose documents are written or deleted now (no longer legacy);
   * `summaryKey`, when given, is the fingerprint of the summary written.
   */
  recordWritten(written: { statuses?: VisaStatusDoc[]; rewritten: readonly string[]; summaryKey?: string }): void {
    for (const id of written.rewritten) this.legacyStatusIds.delete(id);
    if (written.statuses) this.fields.statuses = written.statuses;
    if (written.summaryKey !== undefined) this.fields.summaryKey = written.summaryKey;
  }

  /** Records a daily evaluation that succeeded and how long it took (ms): the failures in a row start again. */
  recordDailyRun(evalMs: number): void {
    this.fields.daily = { failures: 0, lastError: null, evalMs: Math.round(evalMs) };
  }

  /**
   * Counts an import against the per-day cap on the user's local `date` (by id: a retried import counts once).
   * Returns null when counted, or, changing nothing, how many imports that date already has when one more would
   * exceed `perDay`.
   */
  countImport(date: string, importId: string, perDay: number): number | null {
    const ids = this.fields.imports.date === date ? [...this.fields.imports.ids] : [];
    if (!ids.includes(importId)) {
      if (ids.length >= perDay) return ids.length;
      ids.push(importId);
    }
    this.fields.imports = { date, ids };
    return null;
  }
}
