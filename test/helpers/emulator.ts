/**
 * Detection of Google's Firestore and Storage emulators for the emulator-backed test tiers.
 *
 * Those emulators are Java 21 jars that firebase-tools downloads on first use; where they cannot run, the suites
 * that need them must say that they were skipped and why, never pass silently. `firebase emulators:exec`
 * (`npm run test:emulators`) sets FIRESTORE_EMULATOR_HOST / FIREBASE_STORAGE_EMULATOR_HOST for the commands it runs.
 */

export const firestoreEmulatorHost = process.env.FIRESTORE_EMULATOR_HOST;
export const storageEmulatorHost = process.env.FIREBASE_STORAGE_EMULATOR_HOST;

function describeIf(available: boolean, why: string, name: string, fn: () => void): void {
  if (available) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED "${name}": ${why}`);
    test.skip(`skipped: ${why}`, () => undefined);
  });
}

/** `describe` when a Firestore emulator is reachable (FIRESTORE_EMULATOR_HOST set), else a named skip. */
export function describeWithFirestoreEmulator(name: string, fn: () => void): void {
  describeIf(
    Boolean(firestoreEmulatorHost),
    'FIRESTORE_EMULATOR_HOST is not set: the Firestore emulator (Java 21 jar) is not running; run `npm run test:emulators`',
    name,
    fn,
  );
}

/** `describe` when both Firestore and Storage emulators are reachable, else a named skip. */
export function describeWithStorageEmulator(name: string, fn: () => void): void {
  describeIf(
    Boolean(firestoreEmulatorHost && storageEmulatorHost),
    'FIRESTORE_EMULATOR_HOST / FIREBASE_STORAGE_EMULATOR_HOST are not set: the Firestore and Storage emulators (Java 21 jars) are not running; run `npm run test:emulators`',
    name,
    fn,
  );
}
