/**
 * The timeline transaction of the Firestore repository (`Repository.updateTimeline`): the deletion marker, the
 * profile and segments asked for and the timeline documents `users/{uid}/timeline/{head|s1...}` read, the caller's
 * `decide`, and its commit (timeline, statuses, summary, profile, segments, import document) written, in one
 * Firestore transaction, so that a timeline write and the status it implies commit together. Reads, writes and
 * deletes of the last attempt are added to the repository's `counts` (Firestore billing).
 */
import type { DocumentReference, DocumentSnapshot, Firestore, CollectionReference } from 'firebase-admin/firestore';
import type { SegmentDoc, TimelineHeadDoc, TimelineShardDoc, UserProfile } from '../model/documents';
import { ALREADY_EXISTS, NOT_FOUND, fromFirestore, hasCode, timestampMicros, toFirestore } from './firestoreValues';
import {
  AccountDeletedError,
  SegmentExistsError,
  type OperationCounts,
  type TimelineCommit,
  type TimelineDocs,
  type TimelineRead,
  type TimelineTxOptions,
} from './types';

/** Subcollection of the timeline documents (backend only: no rule matches it, so clients are denied). */
export const TIMELINE = 'timeline';
/** Id of the head document. */
export const HEAD = 'head';

/** Where a user's documents are: the profile, its subcollections and the account's deletion marker. */
export interface UserPaths {
  userDoc(uid: string): DocumentReference;
  sub(uid: string, collection: string): CollectionReference;
  marker(uid: string): DocumentReference;
}

/** The timeline documents among `docs` (absent ones skipped), with the head's update time in microseconds. */
export function timelineDocsOf(docs: readonly DocumentSnapshot[]): TimelineDocs {
  let head: TimelineHeadDoc | null = null;
  let headVersion: number | null = null;
  const shards = new Map<string, TimelineShardDoc>();
  for (const d of docs) {
    if (!d.exists) continue;
    if (d.id === HEAD) {
      head = fromFirestore<TimelineHeadDoc>(d.data());
      headVersion = timestampMicros(d.updateTime!);
    } else shards.set(d.id, fromFirestore<TimelineShardDoc>(d.data()));
  }
  return { head, shards, headVersion };
}

/**
 * `Repository.updateTimeline` on Firestore. One transaction: `getAll(marker[, profile][, segments])`, then the
 * timeline (a query of the subcollection), `decide`, and the writes: timeline documents `set`, statuses and summary
 * `set`, profile `update` (dropped and the transaction run again when the profile does not exist: `update` never
 * creates it), segments `create`, import document `set` with `mergeFields`.
 */
export async function runTimelineTransaction<T>(
  db: Firestore,
  paths: UserPaths,
  counts: OperationCounts,
  uid: string,
  decide: (read: TimelineRead) => { commit: TimelineCommit | null; result: T },
  opts: TimelineTxOptions = {},
): Promise<T> {
  const col = paths.sub(uid, TIMELINE);
  /** One attempt; `profileGone` is set when the profile update failed because the profile does not exist. */
  let profileGone = false;
  const run = async (withProfileUpdate: boolean): Promise<T> => {
    let reads = 0;
    let writes = 0;
    let deletes = 0;
    let wroteProfile = false;
    try {
      const result = await db.runTransaction(async (tx) => {
        reads = 0;
        writes = 0;
        deletes = 0;
        wroteProfile = false;
        const segIds = opts.readSegments ?? [];
        const refs: DocumentReference[] = [paths.marker(uid)];
        if (opts.withProfile) refs.push(paths.userDoc(uid));
        for (const id of segIds) refs.push(paths.sub(uid, 'segments').doc(id));
        const snaps = await tx.getAll(...refs);
        reads += snaps.length;
        if (snaps[0]!.exists) throw new AccountDeletedError(uid);
        const q = await tx.get(col);
        reads += Math.max(1, q.size);
        const read: TimelineRead = { timeline: timelineDocsOf(q.docs) };
        let k = 1;
        if (opts.withProfile) {
          const p = snaps[k++]!;
          read.profile = p.exists ? fromFirestore<UserProfile>(p.data()) : null;
        }
        if (segIds.length > 0) {
          read.segments = new Map();
          for (const id of segIds) {
            const snap = snaps[k++]!;
            if (snap.exists) {
              read.segments.set(id, { id, data: fromFirestore<SegmentDoc>(snap.data()), version: timestampMicros(snap.updateTime!) });
            }
          }
        }
        const { commit, result } = decide(read);
        if (!commit) return result;
        for (const [id, doc] of commit.timeline) {
          tx.set(col.doc(id), toFirestore(doc));
          writes += 1;
        }
        for (const s of commit.statuses ?? []) {
          tx.set(paths.sub(uid, 'visaStatus').doc(s.ruleId), toFirestore(s));
          writes += 1;
        }
        for (const ruleId of commit.deleteStatuses ?? []) {
          tx.delete(paths.sub(uid, 'visaStatus').doc(ruleId));
          deletes += 1;
        }
        if (commit.countryDays) {
          tx.set(paths.sub(uid, 'summaries').doc('countryDays'), toFirestore(commit.countryDays));
          writes += 1;
        }
        const patch = commit.profile ? (toFirestore(commit.profile) as Record<string, unknown>) : {};
        if (withProfileUpdate && Object.keys(patch).length > 0) {
          tx.update(paths.userDoc(uid), patch);
          wroteProfile = true;
          writes += 1;
        }
        for (const s of commit.createSegments ?? []) {
          tx.create(paths.sub(uid, 'segments').doc(s.id), toFirestore(s.data));
          writes += 1;
        }
        if (commit.importDoc) {
          const data = toFirestore(commit.importDoc.patch) as Record<string, unknown>;
          tx.set(paths.sub(uid, 'imports').doc(commit.importDoc.id), data, { mergeFields: Object.keys(data) });
          writes += 1;
        }
        return result;
      });
      counts.reads += reads;
      counts.writes += writes;
      counts.deletes += deletes;
      return result;
    } catch (e) {
      counts.reads += reads;
      if (hasCode(e, ALREADY_EXISTS)) throw new SegmentExistsError(uid);
      if (hasCode(e, NOT_FOUND) && wroteProfile) {
        profileGone = true;
        return undefined as T;
      }
      throw e;
    }
  };
  const result = await run(true);
  // The profile is gone (only an account deletion removes it, and its marker refuses the next attempt): commit
  // the rest without the profile update, as the in-memory repository does.
  return profileGone ? run(false) : result;
}
