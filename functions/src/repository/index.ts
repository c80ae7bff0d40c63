/**
 * The repository layer: the `Repository` interface (types.ts), its in-memory and Firestore implementations, and
 * the reference-data seed. Import the Firestore implementation from here in handlers; tests use the memory one.
 */
export * from './types';
export { FirestoreRepository, FIRESTORE_BATCH_LIMIT } from './firestore';
export * from './reference';
