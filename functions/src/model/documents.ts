/**
 * Firestore document schemas (zod), written once and shared by the functions, the security-rules tests and the
 * data model page (docs/data-model.md). Timestamps are JavaScript `Date`s here; the Firestore repository converts
 * to and from `Timestamp`. Paths are documented on each schema.
 */
import { z } from 'zod';
import { MAX_RESIDENCE_PERMITS, ResidencePermitSchema } from '@travel-time-tracker/core/applicability';
import { RuleIdSchema } from '@travel-time-tracker/core/referenceData';
import { MAX_TRACKED_RULES } from '@travel-time-tracker/core/ruleResults';
import {
  PerStayRuleResultSchema,
  RollingWindowRuleResultSchema,
  TaxYearPresenceRuleResultSchema,
  WeightedLookbackRuleResultSchema,
} from '@travel-time-tracker/core/ruleResultSchemas';
import {
  CountryCodeSchema,
  IsoDateSchema,
  LocalTimeSchema,
  arrivalNotBeforeDeparture,
  arrivalRefinement,
  segmentFields,
  stringOfAtMost,
} from '@travel-time-tracker/core/segment';

/** Lengths the security rules enforce too (strings in UTF-16 code units, as the rules count: see stringOfAtMost). */
export const PROFILE_LIMITS = { displayName: 100, email: 254, nationalities: 10, thresholds: 10, timeZone: 64 } as const;
/** Lengths of the device document's strings, the security rules' too (UTF-16 code units). */
export const DEVICE_LIMITS = { fcmToken: 4096, appVersion: 32 } as const;

/** Notification settings on the profile (visa alerts). Times are local to `UserProfile.timeZone`. */
export const NotificationSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  /** Alert when days remaining fall to or below each of these (days). */
  thresholds: z.array(z.number().int().min(0).max(90)).max(PROFILE_LIMITS.thresholds),
  overstay: z.boolean(),
  plannedTrips: z.boolean(),
  /** No pushes between `start` and `end` (local `HH:MM`; may wrap midnight). */
  quietHours: z.strictObject({ start: LocalTimeSchema, end: LocalTimeSchema }).nullable(),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  enabled: true,
  thresholds: [30, 14, 7, 3, 1],
  overstay: true,
  plannedTrips: true,
  quietHours: { start: '22:00', end: '08:00' },
};

/**
 * A fresh copy of DEFAULT_NOTIFICATION_SETTINGS (callers may change it). Copied by spreading, not `structuredClone`:
 * under Jest, structuredClone returns objects of Node's own realm, which `util.isDeepStrictEqual` (the profile's
 * change detection) tells apart from equal values built in the module's realm.
 */
export function defaultNotificationSettings(): NotificationSettings {
  const d = DEFAULT_NOTIFICATION_SETTINGS;
  return { ...d, thresholds: [...d.thresholds], quietHours: d.quietHours && { ...d.quietHours } };
}

/** Fields of `users/{uid}` the owner may write from the app. */
export const ProfileEditableSchema = z.strictObject({
  displayName: stringOfAtMost(PROFILE_LIMITS.displayName).nullable(),
  /** ISO 3166-1 alpha-2; EU/EEA/Swiss nationals are not subject to the Schengen short-stay rule. */
  nationalities: z.array(CountryCodeSchema).max(PROFILE_LIMITS.nationalities),
  homeCountry: CountryCodeSchema.nullable(),
  /** IANA time zone, e.g. `Europe/Berlin`: decides the user's "today" and alert hours. */
  timeZone: stringOfAtMost(PROFILE_LIMITS.timeZone).min(1),
  notifications: NotificationSettingsSchema,
  /**
   * Residence permits and long-stay (D) visas, current and past ({@link ResidencePermitSchema}): presence in the issuing
   * state during validity is not counted by the Schengen rule (Reg. (EU) 2016/399 Art. 6(2)). Absent = none.
   */
  residencePermits: z.array(ResidencePermitSchema).max(MAX_RESIDENCE_PERMITS).optional(),
  /**
   * Ids of the rules (seed/visaRules.json rows, `visaRules/{ruleId}`) the traveller tracks, each with its status
   * document `visaStatus/{ruleId}`. Absent = the default rules (the Schengen short-stay rule); `[]` = none.
   * Ids the reference data does not have are kept but not evaluated (a warning in `summaries/countryDays`).
   */
  trackedRules: z
    .array(RuleIdSchema)
    .max(MAX_TRACKED_RULES)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'must not name a rule twice' })
    .optional(),
});

/**
 * An update of `users/{uid}` by the app: any of the editable fields, each as {@link ProfileEditableSchema} has it.
 * firestore.rules check only the fields an update changes, so a single field (`{ timeZone }`) is a whole update; a
 * required field cannot be removed, and `residencePermits` / `trackedRules` are removed with FieldValue.delete(),
 * which has no JSON form. The app's contract `schemas/firestore/user-profile-update.json` is generated from it.
 */
export const ProfileUpdateSchema = ProfileEditableSchema.partial();
export type ProfileUpdate = z.infer<typeof ProfileUpdateSchema>;

/** `users/{uid}`: the profile. `email`, timestamps and `nextAlertAt` are written by the backend only. */
export const UserProfileSchema = ProfileEditableSchema.extend({
  email: stringOfAtMost(PROFILE_LIMITS.email).nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  /** When the scheduled alert run should next look at this user (backend-maintained, indexed); null = never. */
  nextAlertAt: z.date().nullable().optional(),
  /**
   * When the scheduled recompute should next re-evaluate this user's status for the new local date (the next local
   * midnight while the status can still change with time alone; backend-maintained, indexed); null = never.
   */
  nextRecomputeAt: z.date().nullable().optional(),
});
export type UserProfile = z.infer<typeof UserProfileSchema>;

/**
 * Longest id of `users/{uid}/segments/{segmentId}` a client may create (firestore.rules): a UUID (36) or a
 * Firestore auto-id (20) fits, and the timeline's record of a segment stays small (a live record is at most 200 bytes).
 */
export const MAX_SEGMENT_ID_LENGTH = 128;

/**
 * The document id of a segment the app creates: 1-128 characters `A-Z a-z 0-9 _ -` (firestore.rules refuses a
 * create under any other id; imports write `imp-` + 24 hex digits). Documents written before this rule, or with
 * the Admin SDK, may have other ids: the backend reads them as they are.
 */
export const SegmentIdSchema = z.string().regex(new RegExp(`^[A-Za-z0-9_-]{1,${MAX_SEGMENT_ID_LENGTH}}$`), {
  message: `a segment id is 1-${MAX_SEGMENT_ID_LENGTH} characters A-Z a-z 0-9 _ -`,
});

/** `users/{uid}/segments/{segmentId}`: a core segment plus provenance and timestamps. */
export const SegmentDocSchema = z
  .strictObject({
    ...segmentFields,
    /** `manual`, or the import id that created it. */
    source: stringOfAtMost(128).min(1),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .refine(arrivalNotBeforeDeparture, arrivalRefinement);
export type SegmentDoc = z.infer<typeof SegmentDocSchema>;

/**
 * Past tax years a `tax-year-presence` status document keeps in `byTaxYear` (the latest ones): a history reaching
 * back to 1900 would otherwise hold 300 years, in every status and in the timeline head. `travel-days report --json`
 * gives every year.
 */
export const MAX_STORED_TAX_YEARS = 10;

/**
 * What every status document adds to its rule's result: the evaluation date and bookkeeping. A status is written
 * only when its numbers change, so `computedAt` and `segmentsHash` are those of the evaluation that last changed it
 * (an edit of a UK trip leaves the Schengen status, its time and its fingerprint as they were).
 */
const statusFields = {
  /** The evaluation date (the user's local "today" when computed). */
  asOf: IsoDateSchema,
  computedAt: z.date(),
  /** Fingerprint of the segments when the status was last written (the summary's is that of the latest evaluation). */
  segmentsHash: z.string(),
};

/** A `rolling-window` status document (the Schengen rule's kind). */
const RollingWindowStatusDocSchema = RollingWindowRuleResultSchema.extend(statusFields);

/**
 * `users/{uid}/visaStatus/{ruleId}`: cached evaluation of one tracked rule (backend-only writes), by `kind`: the
 * rule's result ({@link RollingWindowRuleResultSchema} and its siblings, the fields and meanings
 * `travel-days report --json` prints) plus `asOf`, `computedAt`, `segmentsHash`. What the backend writes; {@link StoredVisaStatusDocSchema} is what may be
 * stored, documents written before the rule kinds included.
 */
export const VisaStatusDocSchema = z.discriminatedUnion('kind', [
  RollingWindowStatusDocSchema,
  PerStayRuleResultSchema.extend(statusFields),
  TaxYearPresenceRuleResultSchema.extend({ ...statusFields, byTaxYear: TaxYearPresenceRuleResultSchema.shape.byTaxYear.max(MAX_STORED_TAX_YEARS) }),
  WeightedLookbackRuleResultSchema.extend(statusFields),
]);
export type VisaStatusDoc = z.infer<typeof VisaStatusDocSchema>;
/** A status document of one kind. */
export type VisaStatusDocOf<K extends VisaStatusDoc['kind']> = Extract<VisaStatusDoc, { kind: K }>;

/**
 * A status document written before the rule kinds existed: a rolling-window status (the only kind there was)
 * without `kind`. The recompute writes it again, with its kind, at its next evaluation of the user, which for a
 * traveller whose status no longer changes with time may be far off; until then the app reads it as it is.
 * Remove once no stored status lacks `kind`.
 */
export const KindlessVisaStatusDocSchema = RollingWindowStatusDocSchema.omit({ kind: true });

/**
 * A status document as it may be stored, hence read (the app's contract `schemas/firestore/visa-status.json` is
 * generated from it): one of {@link VisaStatusDocSchema}, or a {@link KindlessVisaStatusDocSchema} one. Every schema
 * is strict, so a document has a `kind` exactly when it is of the first sort: {@link isLegacyStatus} tells them apart.
 */
export const StoredVisaStatusDocSchema = z.union([...VisaStatusDocSchema.options, KindlessVisaStatusDocSchema]);

/** A stored status as the backend reads it: a kindless one becomes a rolling-window one ({@link withStatusKind}). */
export const StoredVisaStatusSchema = StoredVisaStatusDocSchema.transform((s): VisaStatusDoc => withStatusKind(s) as VisaStatusDoc);

/**
 * A status document as read: one without `kind` ({@link isLegacyStatus}) gets `kind: 'rolling-window'`; anything
 * else is returned as it is.
 */
export function withStatusKind<T>(v: T): T {
  return isLegacyStatus(v) ? { ...v, kind: 'rolling-window' } : v;
}

/**
 * Whether a stored status is one written before the rule kinds (an object without `kind`, the
 * {@link KindlessVisaStatusDocSchema} branch of the contract): the recompute rewrites it once with its kind.
 */
export function isLegacyStatus(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !('kind' in v);
}

/**
 * `users/{uid}/summaries/countryDays`: days per country up to `asOf` (backend-only writes), and what they rest on
 * (the core's evidence summary): among them the days `assumed` (counted without a record supporting them: across a gap between
 * records of different countries, or after the last record up to `asOf`, which for a traveller who logs as they go
 * is simply the current stay). The evidence fields are absent on summaries written before them (read: unknown).
 */
export const CountryDaysDocSchema = z.strictObject({
  asOf: IsoDateSchema,
  countryDays: z.record(z.string(), z.number().int()),
  countryDaysByYear: z.record(z.string(), z.record(z.string(), z.number().int())),
  /** ISO alpha-2 -> days of `countryDays` that are assumed; countries without assumed days are omitted. */
  assumedCountryDays: z.record(z.string(), z.number().int()).optional(),
  /** `YYYY` -> ISO alpha-2 -> days of `countryDaysByYear` that are assumed (same omissions). */
  assumedCountryDaysByYear: z.record(z.string(), z.record(z.string(), z.number().int())).optional(),
  /** The last day on or before `asOf` a segment departs or arrives; null without one. */
  lastRecordedDate: IsoDateSchema.nullable().optional(),
  /** Arrival country (ISO alpha-2) of the last segment arriving on or before `asOf`; null without one. */
  lastRecordedCountry: z.string().nullable().optional(),
  warnings: z.array(z.string()),
  computedAt: z.date(),
  segmentsHash: z.string(),
});
export type CountryDaysDoc = z.infer<typeof CountryDaysDocSchema>;

export const ImportStatusSchema = z.enum(['queued', 'processing', 'succeeded', 'partial', 'failed']);
export type ImportStatus = z.infer<typeof ImportStatusSchema>;

/** At most this many skipped rows are stored on the import document (Firestore's 1 MiB document limit). */
export const MAX_STORED_SKIPPED_ROWS = 500;

/** `users/{uid}/imports/{importId}`: import job status the app listens to (backend-only writes). */
export const ImportDocSchema = z.strictObject({
  status: ImportStatusSchema,
  fileName: z.string(),
  storagePath: z.string(),
  format: z.string().nullable(),
  rowsDone: z.number().int(),
  rowsTotal: z.number().int().nullable(),
  /**
   * `rows` data rows read = `imported` (new segments) + `duplicates` (rows repeating an earlier row or a stored
   * segment) + `skipped` (rows that could not be read as a flight); `flights` = rows read as a flight.
   */
  counts: z.strictObject({
    rows: z.number().int(),
    flights: z.number().int(),
    imported: z.number().int(),
    duplicates: z.number().int(),
    skipped: z.number().int(),
  }),
  /**
   * Rows that did not become a segment, in file order, with the reason; `duplicate: true` marks a repeat (of an
   * earlier row or of a stored segment) rather than an error. `counts.skipped` counts only the errors.
   */
  skipped: z.array(z.strictObject({ row: z.number().int(), reason: z.string(), duplicate: z.literal(true).optional() })).max(MAX_STORED_SKIPPED_ROWS),
  error: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ImportDoc = z.infer<typeof ImportDocSchema>;

/** `users/{uid}/devices/{deviceId}`: written by the app. */
export const DeviceDocSchema = z.strictObject({
  fcmToken: stringOfAtMost(DEVICE_LIMITS.fcmToken).min(1),
  platform: z.enum(['ios', 'ipados', 'macos']),
  appVersion: stringOfAtMost(DEVICE_LIMITS.appVersion),
  lastSeenAt: z.date(),
});
export type DeviceDoc = z.infer<typeof DeviceDocSchema>;

/**
 * Kinds of alert the alert policy raises: about a stay (rolling-window, per-stay rules) `threshold`, `overstay`,
 * `plannedViolation`; about a day count in a tax year or year (tax-year-presence, weighted-lookback rules)
 * `threshold` (days still to count), `reached`, `plannedReach` (planned trips reach it on a date).
 */
export const AlertKindSchema = z.enum(['threshold', 'overstay', 'plannedViolation', 'reached', 'plannedReach']);

/** `users/{uid}/alerts/{alertId}`: one per alert sent; its deterministic id is the dedupe record (backend-only). */
export const AlertDocSchema = z.strictObject({
  ruleId: z.string(),
  kind: AlertKindSchema,
  threshold: z.number().int().nullable(),
  /** Entry date of the stay the alert is about (dedupe per stay); null for the alerts about a day count. */
  stayStart: IsoDateSchema.nullable(),
  /**
   * First day of the tax year (or year) a day-count alert is about (dedupe per tax year); null for the alerts about
   * a stay. Absent on records written when only the Schengen rule could be tracked (read as null).
   */
  periodStart: IsoDateSchema.nullable().optional(),
  createdAt: z.date(),
  sentTo: z.number().int(),
});
export type AlertDoc = z.infer<typeof AlertDocSchema>;

/**
 * The rule inputs of the profile, copied onto the timeline head (`TimelineHeadDocSchema.profile`) by the profile
 * trigger, so that a segment edit and the daily recompute evaluate without reading `users/{uid}`.
 * The rules use nationalities, residence permits and the time zone (the user's "today"); `trackedRules` says which
 * rules are evaluated; `homeCountry` (residence) is copied for the rules that will read it; the alert schedule uses
 * `timeZone` and `notifications`.
 */
export const ProfileInputsSchema = z.strictObject({
  nationalities: ProfileEditableSchema.shape.nationalities,
  homeCountry: ProfileEditableSchema.shape.homeCountry,
  timeZone: z.string(),
  notifications: NotificationSettingsSchema,
  /** Absent on the profile = none. */
  residencePermits: z.array(ResidencePermitSchema).max(MAX_RESIDENCE_PERMITS),
  /** The profile's `trackedRules`; null when it has none (the default rules). Absent on a head written when only the Schengen rule could be tracked. */
  trackedRules: ProfileEditableSchema.shape.trackedRules.unwrap().nullable().default(null),
});
export type ProfileInputs = z.infer<typeof ProfileInputsSchema>;

/**
 * `users/{uid}/timeline/{shardId}` other than the head: more records of the user's timeline (backend only, no
 * client access). `records` is the timeline's record encoding: one line per segment.
 */
export const TimelineShardDocSchema = z.strictObject({
  v: z.literal(1),
  records: z.string(),
});
export type TimelineShardDoc = z.infer<typeof TimelineShardDocSchema>;

/**
 * `users/{uid}/timeline/head`: the head of the user's timeline (backend only, no client access): its own records,
 * the ids of the other shards, and what the recompute needs besides the segments (the profile's rule inputs, the
 * last evaluation written, the daily schedule). docs/data-model.md states its invariants; the timeline
 * module maintains them.
 */
export const TimelineHeadDocSchema = TimelineShardDocSchema.extend({
  /** Ids of the other shards (`s1`, `s2`, ...), in order. */
  shards: z.array(z.string()),
  /** Import ids the records refer to by index (a record's source is `manual` or one of these). */
  sources: z.array(z.string()),
  /**
   * Commit time (microseconds since the epoch) at or before which every segment write is reflected: an event of
   * an id the timeline does not hold, with a version not after it, is stale (docs/data-model.md, invariant 2).
   */
  floor: z.number().int(),
  /** The profile's rule inputs as of the last profile event applied; null while no profile is known. */
  profile: ProfileInputsSchema.nullable(),
  /**
   * The statuses last written to `visaStatus/{ruleId}`, one per tracked rule evaluated (change detection, the
   * deletion of a rule no longer tracked, the alert schedule); an entry written when only the Schengen rule could be tracked lacks `kind` (a rolling-window status).
   */
  statuses: z.array(StoredVisaStatusSchema).max(MAX_TRACKED_RULES),
  /** Fingerprint of the `summaries/countryDays` last written (without `computedAt`); null before the first. */
  summaryKey: z.string().nullable(),
  /** The `users/{uid}.nextAlertAt` the recompute last wrote (an alert run may have moved it since). */
  alertAt: z.date().nullable(),
  /** When the daily recompute must next evaluate this user (collection-group index); null = never. */
  nextRecomputeAt: z.date().nullable(),
  /** Consecutive failed daily recomputes (back-off), the last reason, and the last evaluation's duration (ms). */
  daily: z.strictObject({ failures: z.number().int(), lastError: z.string().nullable(), evalMs: z.number() }),
  /** Imports started on the user's local `date` (the per-day cap), by import id. */
  imports: z.strictObject({ date: z.string(), ids: z.array(z.string()) }),
  /** Live segments (records that count). */
  segments: z.number().int(),
  updatedAt: z.date(),
});
export type TimelineHeadDoc = z.infer<typeof TimelineHeadDocSchema>;
