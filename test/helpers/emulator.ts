/**
 * Detection of Google's Firestore and Storage emulators for the emulator-backed test tiers.
 *
 * `npm test` (scripts/test.js) starts Google's Firestore emulator and sets FIRESTORE_EMULATOR_HOST for the suites that
 * need it; where an emulator cannot run, the suites that need it say that they were skipped and why, never pass
 * silently.
 */

export const firestoreEmulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
export const storageEmulatorHost = process.env.FIREBASE_STORAGE_EMULATOR_HOST;

function describeIf(available: boolean, why: string, name: string, fn: () => void): void {
  if (available) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    console.warn(`SKIPPED "${name}": ${why}`);
    test.skip(`skipped: ${why}`, () => undefined);
  });
}

/** `describe` when a Firestore emulator is reachable (FIRESTORE_EMULATOR_HOST set), else a named skip. */
export function describeWithFirestoreEmulator(name: string, fn: () => void): void {
  describeIf(
    Boolean(firestoreEmulatorHost),
    'FIRESTORE_EMULATOR_HOST is not set: no Firestore emulator is running; `npm test` starts one (scripts/lib/emulators.js finds it)',
    name,
    fn,
  );
}

/** `describe` when both Firestore and Storage emulators are reachable, else a named skip. */
export function describeWithStorageEmulator(name: string, fn: () => void): void {
  describeIf(
    Boolean(firestoreEmulatorHost && storageEmulatorHost),
    'FIREBASE_STORAGE_EMULATOR_HOST is not set: the Storage emulator cannot run on these machines (firebase-tools always starts its cloud-storage-rules-runtime jar, which is not installed and cannot be downloaded)',
    name,
    fn,
  );
}
