/**
 * What the import job is given and what it returns (`runImport`), and the accepted import
 * that `acceptImport` hands to `runAcceptedImport`.
 */
import type { ImportDoc, UserProfile } from '../../model/documents';
import type { Repository, StoredSegment } from '../../repository/types';
import type { FileStorage } from '../../storage/types';

/** Limits of one import (from the deployment's params). */
export interface ImportLimits {
  importMaxBytes: number;
  importMaxRows: number;
  layoverHours: number;
  /** Per-user cap on stored segments: rows beyond it are not imported (reported as skipped). */
  maxSegmentsPerUser: number;
  /** Per-user cap on imports started per local day: a further upload that day fails. */
  importsPerDay: number;
}

export interface ImportDeps {
  repo: Repository;
  storage: FileStorage;
  clock: () => Date;
  limits: ImportLimits;
  /** Minimum time between two progress updates of the import document (ms). Default 2 000. */
  progressIntervalMs?: number;
}

/** The uploaded object, from the Storage CloudEvent. */
export interface UploadedObject {
  name: string;
  bucket: string;
  contentType?: string;
  /** Bytes. */
  size: number;
  /** Object creation time of this generation (`timeCreated`). */
  timeCreated?: Date;
  metadata?: Record<string, string>;
  eventId: string;
}

export type ImportOutcome = { action: 'ignored'; reason: string } | { action: 'done'; status: ImportDoc['status']; importId: string; uid: string };

/** An upload accepted for import: its document says `processing`, and the file is about to be read. */
export interface AcceptedImport {
  uid: string;
  importId: string;
  eventId: string;
  object: UploadedObject;
  /** The document as first written (`queued`); every later full write starts from it. */
  base: ImportDoc;
  /** When the job started (the document's `updatedAt` then; the local date of the per-day cap and of the import). */
  startedAt: Date;
  /** The profile when the job started (its time zone gives the import date); null when there is none. */
  profile: UserProfile | null;
  /** The file's bytes (the first chunk already pulled when there was no profile, to tell a deleted account). */
  source: AsyncIterable<Buffer>;
  /** The live segments the timeline held when the job started (for the duplicate checks; no segment is read). */
  stored: StoredSegment[];
}
