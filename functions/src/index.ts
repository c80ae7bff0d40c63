/**
 * The deployed Cloud Functions (2nd gen). This file only re-exports: one module per trigger or callable.
 * Modules load nothing heavy at import time (firebase-admin clients and the airport table are created lazily
 * inside the handlers that need them), so each function's cold start pays only for itself.
 */
export { onSegmentWritten } from './triggers/onSegmentWritten';
export { onProfileWritten } from './triggers/onProfileWritten';
export { onImportUploaded } from './triggers/onImportUploaded';
export { createProfileOnSignUp } from './triggers/beforeUserCreated';
export { eraseDataOfDeletedUser } from './triggers/onUserDeleted';
export { planTrip } from './callable/planTrip';
export { deleteAccount } from './callable/deleteAccount';
export { recomputeDaily } from './scheduled/recomputeDaily';
export { sendAlerts } from './scheduled/sendAlerts';
export { sendAlertBatch } from './tasks/sendAlertBatch';
export { recomputeBatch } from './tasks/recomputeBatch';
