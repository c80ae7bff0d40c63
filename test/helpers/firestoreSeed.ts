/**
 * Set-up writes for suites on the Firestore emulator that the production `Repository` does not offer: documents the
 * app writes itself (segments, devices) or that a test wants in place before a handler runs (statuses and the
 * summary). {@link SeededFirestoreRepository} is the production `FirestoreRepository` plus these writes, with the
 * same names as the seeding methods of the in-memory fake (test/fakes/memoryRepository.ts), so that a suite seeds
 * either store the same way. Writes go straight through firebase-admin and are not counted in `counts`.
 */
import type { Firestore } from 'firebase-admin/firestore';
import type { CountryDaysDoc, DeviceDoc, SegmentDoc, VisaStatusDoc } from '../../functions/src/model/documents';
import { FIRESTORE_BATCH_LIMIT, FirestoreRepository } from '../../functions/src/repository/firestore';
import { toFirestore } from '../../functions/src/repository/firestoreValues';
import type { StoredSegment } from '../../functions/src/repository/types';

/** The seeding writes both the in-memory fake and {@link SeededFirestoreRepository} offer. */
export interface SeedWrites {
  /**
   * Creates the segments whose ids do not exist (a repeated id: the first wins), leaving existing ones untouched,
   * as a re-import or the app would; returns how many were created.
   */
  createSegmentsIfAbsent(uid: string, segments: readonly StoredSegment[]): Promise<number>;
  /** Writes rule statuses and the country-day summary (set), as an evaluation's commit does. */
  putEvaluation(uid: string, statuses: readonly VisaStatusDoc[], countryDays: CountryDaysDoc): Promise<void>;
  /** Stores or replaces a device, as the app does. */
  putDevice(uid: string, deviceId: string, device: DeviceDoc): Promise<void>;
}

/** `FirestoreRepository` with the seeding writes of {@link SeedWrites} (tests on the emulator only). */
export class SeededFirestoreRepository extends FirestoreRepository implements SeedWrites {
  constructor(private readonly firestore: Firestore) {
    super(firestore);
  }

  private user(uid: string) {
    return this.firestore.collection('users').doc(uid);
  }

  /** One transaction per chunk of up to 500 ids: reads the chunk's documents, creates the missing ones. */
  async createSegmentsIfAbsent(uid: string, segments: readonly StoredSegment[]): Promise<number> {
    const unique = new Map<string, SegmentDoc>();
    for (const s of segments) if (!unique.has(s.id)) unique.set(s.id, s.data);
    const col = this.user(uid).collection('segments');
    const all = [...unique.entries()];
    let created = 0;
    for (let i = 0; i < all.length; i += FIRESTORE_BATCH_LIMIT) {
      const chunk = all.slice(i, i + FIRESTORE_BATCH_LIMIT);
      const refs = chunk.map(([id]) => col.doc(id));
      created += await this.firestore.runTransaction(async (tx) => {
        const snaps = await tx.getAll(...refs);
        let k = 0;
        snaps.forEach((snap, j) => {
          if (snap.exists) return;
          tx.create(refs[j]!, toFirestore(chunk[j]![1]));
          k += 1;
        });
        return k;
      });
    }
    return created;
  }

  async putEvaluation(uid: string, statuses: readonly VisaStatusDoc[], countryDays: CountryDaysDoc): Promise<void> {
    const batch = this.firestore.batch();
    for (const s of statuses) batch.set(this.user(uid).collection('visaStatus').doc(s.ruleId), toFirestore(s));
    batch.set(this.user(uid).collection('summaries').doc('countryDays'), toFirestore(countryDays));
    await batch.commit();
  }

  async putDevice(uid: string, deviceId: string, device: DeviceDoc): Promise<void> {
    await this.user(uid).collection('devices').doc(deviceId).set(toFirestore(device));
  }
}
