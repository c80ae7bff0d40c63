/**
 * `npm run schemas`: the contract the iOS app compiles against, generated. Writes one JSON Schema (draft 2020-12)
 * per Firestore document the app reads or writes and per callable request and response into `schemas/`, from the
 * zod schemas the backend itself validates with (zod 4's `z.toJSONSchema`). `--check` regenerates in memory and
 * fails naming every stale, missing or extra file (the freshness check `npm test` runs). Never edit schemas/ by
 * hand: change the zod schema, run `npm run schemas`, commit both.
 *
 * What the generated files say beyond the zod schema:
 * - a Firestore timestamp (`z.date()`, a JavaScript Date in the backend) becomes `{ type: string, format:
 *   date-time, x-firestore-type: timestamp }`: a `Timestamp` in Firestore, an RFC 3339 string in JSON (REST API,
 *   exports), `Date` in Swift (quicktype emits `Date` for `date-time`, Firestore's Codable decodes a Timestamp to it);
 * - a timestamp the security rules require to be the server time of the write (`request.time`) carries
 *   `x-firestore-server-timestamp` saying on which writes (the app writes it as `@ServerTimestamp` / nil, or
 *   `FieldValue.serverTimestamp()`);
 * - each file's `description` names the Firestore path (or the callable), who reads and who writes it, and the
 *   checks JSON Schema cannot express (cross-field rules); `$comment` names the zod schema it came from;
 * - nested types carry a `title` (TYPE_NAMES), the name quicktype gives the Swift type; a type two files use is
 *   its own file under `types/`, referenced with `$ref`, so that it is one Swift type;
 * - string limits and date formats come from the schemas' own metadata (core/segment.ts `stringOfAtMost`,
 *   `IsoDateSchema`).
 * Output is deterministic: object keys are sorted (recursively), arrays keep their order, 2-space indent, one
 * trailing newline, so a diff of schemas/ is a diff of the contract.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { PermitKindSchema, ResidencePermitSchema } from '@travel-time-tracker/core/applicability';
import { TripPlanResultSchema } from '@travel-time-tracker/core/planning';
import {
  CountingConventionSchema,
  CountrySchema,
  MembershipSchema,
  PerStayRuleSchema,
  RollingWindowRuleSchema,
  RuleDefinitionSchema,
  TaxYearPresenceRuleSchema,
  WeightedLookbackRuleSchema,
} from '@travel-time-tracker/core/referenceData';
import { TravelModeSchema } from '@travel-time-tracker/core/segment';
import {
  AlertDocSchema,
  CountryDaysDocSchema,
  DeviceDocSchema,
  ImportDocSchema,
  ImportStatusSchema,
  NotificationSettingsSchema,
  ProfileEditableSchema,
  SegmentDocSchema,
  UserProfileSchema,
  VisaStatusDocSchema,
} from '../functions/src/model/documents';
import { DeleteAccountRequestSchema, DeleteAccountResponseSchema } from '../functions/src/services/account';
import { MAX_PLAN_HORIZON_DAYS, PlanTripRequestSchema, PlanTripResponseSchema } from '../functions/src/services/plan';
import { PlannedStaySchema } from '@travel-time-tracker/core/evaluate';

/** The command that regenerates the files (printed by `--check` when they are stale). */
export const FIX_COMMAND = 'npm run schemas';

/** The folder the files are written to, relative to the repository root. */
export const SCHEMAS_DIR = 'schemas';

/** One generated file. */
export interface ContractEntry {
  /** Path under schemas/, e.g. `firestore/segment.json` (quicktype names the Swift type after the file name). */
  file: string;
  /** Where the zod schema lives, for the `$comment`: `functions/src/model/documents.ts SegmentDocSchema`. */
  source: string;
  schema: z.ZodType;
  /** Firestore path or callable, who reads it, who writes it, checks JSON Schema cannot express. */
  description: string;
  /** `input` for what the app sends (callable requests, profile edits), `output` otherwise (the default). */
  io?: 'input' | 'output';
  /**
   * Top-level timestamp fields the security rules require to be the server time (`request.time`), with the
   * writes on which they must be (firestore.rules): becomes `x-firestore-server-timestamp` on the field.
   */
  serverTimestamps?: Record<string, string>;
}

const DOCS = 'functions/src/model/documents.ts';

/**
 * Every Firestore document the app reads or writes, and each callable's request and response. The backend-only
 * documents (`users/{uid}/timeline/*`, `deletedUsers/{uid}`) are not here: no rule lets a client read them.
 */
export const CONTRACT: readonly ContractEntry[] = [
  {
    file: 'firestore/user-profile.json',
    source: `${DOCS} UserProfileSchema`,
    schema: UserProfileSchema,
    description:
      'Firestore `users/{uid}`, the profile, as the app reads it (owner only). Created by the backend at sign-up ' +
      '(beforeUserCreated) or, as a fallback, once by the app: then exactly the editable fields without ' +
      "`residencePermits`, `email` (null or the ID token's email claim) and `createdAt` = `updatedAt` = server " +
      'time, without `nextAlertAt` / `nextRecomputeAt`. Afterwards the app may change only the fields of ' +
      'user-profile-update.json; `email`, `createdAt`, `updatedAt`, `nextAlertAt`, `nextRecomputeAt` are ' +
      "backend-written. Cross-field check: each residence permit's `validTo` is not before its `validFrom`.",
    serverTimestamps: { createdAt: 'create (by the app, fallback only)', updatedAt: 'create (by the app, fallback only)' },
  },
  {
    file: 'firestore/user-profile-update.json',
    source: `${DOCS} ProfileEditableSchema`,
    schema: ProfileEditableSchema,
    io: 'input',
    description:
      'Firestore `users/{uid}`: the fields the app (owner) may change with an update; the rules refuse an update ' +
      'touching any other field and check only the fields it changes. `displayName` and `homeCountry` are cleared ' +
      'with null; `residencePermits` (optional, not nullable) with FieldValue.delete(). Write `residencePermits` in ' +
      "an update, never in the create. Cross-field check: each permit's `validTo` is not before its `validFrom`.",
  },
  {
    file: 'firestore/segment.json',
    source: `${DOCS} SegmentDocSchema`,
    schema: SegmentDocSchema,
    description:
      'Firestore `users/{uid}/segments/{segmentId}`, one travel segment. Read by the owner. Written by the app ' +
      '(create with `source` = "manual" and an id of 1-128 characters `A-Z a-z 0-9 _ -`, e.g. a UUID; update; delete) and by the backend (imports: `source` = the ' +
      'import id, ids `imp-...`). On update `source` stays what it was or becomes "manual", `createdAt` stays. ' +
      'Optional fields are cleared by removing them (FieldValue.delete()); null is refused. Cross-field check: ' +
      '`arrivalDate` is not more than one day before `departureDate` (date-line crossing).',
    serverTimestamps: { createdAt: 'create (unchanged on update)', updatedAt: 'every write' },
  },
  {
    file: 'firestore/visa-status.json',
    source: `${DOCS} VisaStatusDocSchema`,
    schema: VisaStatusDocSchema,
    description:
      "Firestore `users/{uid}/visaStatus/{ruleId}`, the cached evaluation of one rule as of the user's local today. " +
      'Read by the owner (listen to it); written by the backend only. Absent until the backend first evaluated the ' +
      'user (seconds after sign-up or a profile change).',
  },
  {
    file: 'firestore/country-days.json',
    source: `${DOCS} CountryDaysDocSchema`,
    schema: CountryDaysDocSchema,
    description:
      'Firestore `users/{uid}/summaries/countryDays`: days per country (alpha-2 keys) in total and per year (year ' +
      'keys), and warnings about segments that were not counted. Read by the owner; written by the backend only. ' +
      'Absent until the backend first evaluated the user.',
  },
  {
    file: 'firestore/import-job.json',
    source: `${DOCS} ImportDocSchema`,
    schema: ImportDocSchema,
    description:
      'Firestore `users/{uid}/imports/{importId}`, the status of the import of the file uploaded to Storage ' +
      '`users/{uid}/imports/{importId}.csv|.txt`. Read by the owner (listen to it); written by the backend only. ' +
      '`status`: queued -> processing -> succeeded | partial | failed. `counts.rows` = `imported` + ' +
      '`duplicates` + `skipped`.',
  },
  {
    file: 'firestore/device.json',
    source: `${DOCS} DeviceDocSchema`,
    schema: DeviceDocSchema,
    description:
      'Firestore `users/{uid}/devices/{deviceId}`, one installation that receives pushes. Read and written (create, ' +
      'update, delete) by the app (owner); read by the backend to send alerts. All four fields on every write.',
    serverTimestamps: { lastSeenAt: 'every write' },
  },
  {
    file: 'firestore/alert.json',
    source: `${DOCS} AlertDocSchema`,
    schema: AlertDocSchema,
    description:
      'Firestore `users/{uid}/alerts/{alertId}`, one record per push sent (its deterministic id prevents a second ' +
      'push). Read by the owner; written by the backend only.',
  },
  {
    file: 'firestore/country.json',
    source: 'packages/core/src/referenceData.ts CountrySchema',
    schema: CountrySchema,
    description:
      'Firestore `countries/{iso2}`, reference data: an ISO 3166-1 country with its dated memberships of ' +
      'SCHENGEN, EU and EEA. Readable by anyone (also signed out); written by the backend (npm run seed, from ' +
      "seed/countries.json). Cross-field check: a membership's `to` is not before its `from`.",
  },
  {
    file: 'firestore/visa-rule.json',
    source: 'packages/core/src/referenceData.ts RuleDefinitionSchema',
    schema: RuleDefinitionSchema,
    description:
      'Firestore `visaRules/{ruleId}`, reference data: one rule of one `kind` (rolling-window, per-stay, ' +
      'tax-year-presence, weighted-lookback), each with its own `params`. Readable by anyone (also signed out); ' +
      'written by the backend (npm run seed, from seed/visaRules.json). Cross-field checks: exactly one of ' +
      '`region` and `countries`; per kind as in seed/README.md.',
  },
  {
    file: 'callables/plan-trip-request.json',
    source: 'functions/src/services/plan.ts PlanTripRequestSchema',
    schema: PlanTripRequestSchema,
    io: 'input',
    description:
      'Callable `planTrip` (region: the functions region, europe-west1 by default), request data. Needs a signed-in ' +
      `user. Checks JSON Schema cannot express: each trip's \`exitDate\` is not before its \`entryDate\`; ` +
      `\`entryDate\` is today (the user's local date) or later and at most ${MAX_PLAN_HORIZON_DAYS} days ahead. ` +
      'Errors: unauthenticated, invalid-argument (naming the field; details.issues), internal.',
  },
  {
    file: 'callables/plan-trip-response.json',
    source: 'functions/src/services/plan.ts PlanTripResponseSchema',
    schema: PlanTripResponseSchema,
    description: "Callable `planTrip`, response data: the evaluation date (the user's local today) and one result per rule. " + 'Nothing is stored.',
  },
  {
    file: 'callables/delete-account-request.json',
    source: 'functions/src/services/account.ts DeleteAccountRequestSchema',
    schema: DeleteAccountRequestSchema,
    io: 'input',
    description:
      'Callable `deleteAccount` (region: the functions region, europe-west1 by default), request data: nothing ' +
      '(`{}`; no data or null is the same request). Needs a signed-in user whose last sign-in is at most 5 minutes ' +
      'old. Errors: unauthenticated, failed-precondition (sign in again), internal (call again to finish).',
  },
  {
    file: 'callables/delete-account-response.json',
    source: 'functions/src/services/account.ts DeleteAccountResponseSchema',
    schema: DeleteAccountResponseSchema,
    description:
      'Callable `deleteAccount`, response data: `deleted` is always true (a failure is an error); ' +
      '`storageFilesDeleted` counts the import files removed by this call.',
  },
  // Types used by more than one file: each is its own file, referenced with `$ref`, so that quicktype makes one
  // Swift type of it (inline copies would become `UserProfileNotifications` and `UserProfileUpdateNotifications`).
  {
    file: 'types/notification-settings.json',
    source: `${DOCS} NotificationSettingsSchema`,
    schema: NotificationSettingsSchema,
    description:
      'The `notifications` map of the profile (`users/{uid}`): whether and when pushes are sent. Quiet hours are ' +
      "local `HH:MM` times in the profile's `timeZone` and may wrap midnight. Every key is required on every write.",
  },
  {
    file: 'types/residence-permit.json',
    source: 'packages/core/src/applicability.ts ResidencePermitSchema',
    schema: ResidencePermitSchema,
    description:
      'A residence permit or long-stay (D) visa on the profile (`residencePermits`, at most 3): presence in the ' +
      'issuing state during its validity does not count under the Schengen rule (Regulation (EU) 2016/399 Art. 6(2)). ' +
      'Cross-field check: `validTo` is not before `validFrom`.',
  },
];

/**
 * Names of the nested types, written as `title`: quicktype names a Swift type after its `title`, else after the
 * property (`Result`, which would shadow Swift's own `Result`; `Status`, `Params`) and tells apart two inline copies
 * of one type with made-up prefixes (`PurpleQuietHours`, `FluffyQuietHours`). A titled type shared by two files is
 * one Swift type. Keyed by the zod schema object itself, so a renamed or replaced schema fails to compile here.
 */
export const TYPE_NAMES: ReadonlyMap<z.core.$ZodType, string> = new Map<z.core.$ZodType, string>([
  [NotificationSettingsSchema, 'NotificationSettings'],
  [NotificationSettingsSchema.shape.quietHours.unwrap(), 'QuietHours'],
  [ResidencePermitSchema, 'ResidencePermit'],
  [PermitKindSchema, 'ResidencePermitKind'],
  [TravelModeSchema, 'TravelMode'],
  [ImportStatusSchema, 'ImportStatus'],
  [ImportDocSchema.shape.counts, 'ImportCounts'],
  [ImportDocSchema.shape.skipped.element, 'ImportSkippedRow'],
  [DeviceDocSchema.shape.platform, 'DevicePlatform'],
  [AlertDocSchema.shape.kind, 'AlertKind'],
  [MembershipSchema, 'CountryMembership'],
  [CountingConventionSchema, 'CountingConvention'],
  [RollingWindowRuleSchema.shape.params, 'RollingWindowParams'],
  [PerStayRuleSchema.shape.params, 'PerStayParams'],
  [TaxYearPresenceRuleSchema.shape.params, 'TaxYearPresenceParams'],
  [WeightedLookbackRuleSchema.shape.params, 'WeightedLookbackParams'],
  [PlannedStaySchema, 'PlannedTrip'],
  [TripPlanResultSchema, 'TripPlanResult'],
]);

/** The JSON Schema of a Firestore timestamp (see the file's docstring). */
export const TIMESTAMP_JSON_SCHEMA = {
  type: 'string',
  format: 'date-time',
  'x-firestore-type': 'timestamp',
  description: 'Firestore Timestamp (Swift: Date or Timestamp; in JSON an RFC 3339 date-time string).',
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Object keys sorted at every depth; arrays keep their order (they are ordered data: `required`, `anyOf`). */
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: { [key: string]: Json } = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]!);
    return out;
  }
  return v;
}

/** The property schemas of `field` (itself, or the non-null branch of a nullable field). */
function timestampBranches(json: { [key: string]: Json }, field: string): { [key: string]: Json }[] {
  const prop = (json.properties as { [key: string]: { [key: string]: Json } } | undefined)?.[field];
  if (!prop) return [];
  const branches = Array.isArray(prop.anyOf) ? (prop.anyOf as { [key: string]: Json }[]) : [prop];
  return branches.filter((b) => b['x-firestore-type'] === 'timestamp');
}

/** zod's JSON Schema of one entry, with timestamps and type names (see the file's docstring). */
function toJsonSchema(entry: ContractEntry): { [key: string]: Json } {
  return z.toJSONSchema(entry.schema, {
    target: 'draft-2020-12',
    io: entry.io ?? 'output',
    // A Date is the only type without a JSON form that the contract uses: it becomes a Firestore timestamp in
    // `override`. Anything else unrepresentable is a mistake in a document schema, so it throws.
    unrepresentable: (ctx) => (ctx.zodSchema._zod.def.type === 'date' ? 'any' : 'throw'),
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, TIMESTAMP_JSON_SCHEMA);
      const title = TYPE_NAMES.get(ctx.zodSchema);
      if (title) ctx.jsonSchema.title = title;
    },
  }) as { [key: string]: Json };
}

/**
 * The JSON Schema of one entry, as an object with sorted keys.
 * @throws Error naming the file when the zod schema holds a type JSON cannot represent (a bigint, a transform, a
 *   Map...), or when `serverTimestamps` names a field that is not a timestamp of the schema.
 */
export function contractSchema(entry: ContractEntry): Json {
  let json: { [key: string]: Json };
  try {
    json = toJsonSchema(entry);
  } catch (e) {
    throw new Error(`${entry.file} (${entry.source}): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  for (const [field, when] of Object.entries(entry.serverTimestamps ?? {})) {
    const branches = timestampBranches(json, field);
    if (branches.length === 0) throw new Error(`${entry.file}: serverTimestamps names "${field}", which is not a timestamp field of ${entry.source}`);
    for (const b of branches) {
      b['x-firestore-server-timestamp'] = when;
      b.description = `${TIMESTAMP_JSON_SCHEMA.description} The security rules require the server time of the write (request.time) on: ${when}.`;
    }
  }
  json.description = entry.description;
  json.$comment = `Generated by \`${FIX_COMMAND}\` from ${entry.source}; do not edit.`;
  return sortKeys(json);
}

/** Shared types (entries under `types/`) by their title: the file a `$ref` points to. */
function sharedFiles(entries: readonly ContractEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries.filter((x) => x.file.startsWith('types/'))) {
    const title = TYPE_NAMES.get(e.schema);
    if (!title) throw new Error(`${e.file}: a shared type needs a name in TYPE_NAMES`);
    out.set(title, e.file);
  }
  return out;
}

/**
 * Replaces every nested schema titled as a shared type by a `$ref` to its file, relative to the referring file
 * (every file is one folder deep, so `../types/x.json` resolves from each). A `description` the use site adds is
 * kept beside the `$ref`.
 */
function referShared(node: Json, shared: ReadonlyMap<string, string>, isRoot: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => referShared(n, shared, false));
  if (!node || typeof node !== 'object') return node;
  const file = typeof node.title === 'string' && !isRoot ? shared.get(node.title) : undefined;
  if (file) return typeof node.description === 'string' ? { $ref: `../${file}`, description: node.description } : { $ref: `../${file}` };
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(node)) out[k] = referShared(v, shared, false);
  return out;
}

/** Every file of the contract: path under schemas/ -> file text (sorted keys, 2-space indent, trailing newline). */
export function renderContract(entries: readonly ContractEntry[] = CONTRACT): Map<string, string> {
  const out = new Map<string, string>();
  const shared = sharedFiles(entries);
  for (const e of entries) {
    // One folder deep (firestore/, callables/, types/), so that every `../types/x.json` reference resolves.
    if (!/^[a-z]+\/[a-z0-9-]+\.json$/.test(e.file)) throw new Error(`${e.file}: a contract file is <folder>/<kebab-case-name>.json`);
    if (out.has(e.file)) throw new Error(`${e.file}: two contract entries write the same file`);
    out.set(e.file, `${JSON.stringify(referShared(contractSchema(e), shared, true), null, 2)}\n`);
  }
  return out;
}

/** The `.json` files under `dir`, as paths relative to it with `/` separators, sorted. */
function listJson(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listJson(path.join(dir, e.name), rel));
    else if (e.name.endsWith('.json')) out.push(rel);
  }
  return out.sort();
}

/** How the files on disk differ from what the zod schemas generate now. */
export interface Staleness {
  /** On disk with other content. */
  changed: string[];
  /** Generated, but not on disk. */
  missing: string[];
  /** On disk, but no longer generated (a removed or renamed entry). */
  extra: string[];
}

/** Compares `rendered` (renderContract) with the files under `dir`. */
export function staleness(dir: string, rendered: ReadonlyMap<string, string>): Staleness {
  const onDisk = new Set(listJson(dir));
  const result: Staleness = { changed: [], missing: [], extra: [] };
  for (const [file, text] of [...rendered].sort(([a], [b]) => a.localeCompare(b))) {
    if (!onDisk.has(file)) result.missing.push(file);
    else if (fs.readFileSync(path.join(dir, file), 'utf8') !== text) result.changed.push(file);
  }
  result.extra = [...onDisk].filter((f) => !rendered.has(f));
  return result;
}

/** True when nothing differs. */
export const isFresh = (s: Staleness): boolean => s.changed.length + s.missing.length + s.extra.length === 0;

/** The lines `--check` prints for stale files: each file with what is wrong, then the command that fixes it. */
export function describeStaleness(s: Staleness, dirLabel = SCHEMAS_DIR): string[] {
  return [
    `${dirLabel}/ is stale: the zod schemas generate a different contract.`,
    ...s.changed.map((f) => `  ${dirLabel}/${f}: changed`),
    ...s.missing.map((f) => `  ${dirLabel}/${f}: missing`),
    ...s.extra.map((f) => `  ${dirLabel}/${f}: no longer generated`),
    `Run \`${FIX_COMMAND}\` and commit ${dirLabel}/.`,
  ];
}

/** Writes `rendered` under `dir` and removes the `.json` files no longer generated. Returns the files written. */
export function writeContract(dir: string, rendered: ReadonlyMap<string, string>): { written: string[]; removed: string[] } {
  const s = staleness(dir, rendered);
  const written = [...s.missing, ...s.changed];
  for (const f of written) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), rendered.get(f)!);
  }
  for (const f of s.extra) fs.rmSync(path.join(dir, f));
  return { written, removed: s.extra };
}

/**
 * The command: `node scripts/schemas.js [--check] [--dir DIR]`. Writes (or, with --check, compares) the contract
 * under DIR (default: schemas/ at the repository root). Returns the exit code: 0, or 1 when --check finds stale
 * files, 2 for bad usage.
 */
export function main(argv: readonly string[], opts: { entries?: readonly ContractEntry[]; log?: (line: string) => void } = {}): number {
  const log = opts.log ?? ((l: string) => console.log(l));
  let check = false;
  let dirArg: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    if (a === '--check') check = true;
    else if (a === '--dir' && argv[i + 1]) dirArg = argv[(i += 1)];
    else {
      log(`usage: node scripts/schemas.js [--check] [--dir DIR] (not understood: ${a})`);
      return 2;
    }
  }
  const dir = dirArg ? path.resolve(dirArg) : path.join(__dirname, '..', SCHEMAS_DIR);
  const label = path.relative(process.cwd(), dir) || '.';
  const rendered = renderContract(opts.entries ?? CONTRACT);
  if (check) {
    const s = staleness(dir, rendered);
    if (isFresh(s)) {
      log(`${label}/: ${rendered.size} files, fresh`);
      return 0;
    }
    for (const l of describeStaleness(s, label)) log(l);
    return 1;
  }
  const { written, removed } = writeContract(dir, rendered);
  log(`${label}/: ${rendered.size} files, ${written.length} written, ${removed.length} removed`);
  for (const f of written) log(`  wrote ${label}/${f}`);
  for (const f of removed) log(`  removed ${label}/${f}`);
  return 0;
}
