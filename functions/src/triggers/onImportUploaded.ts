/**
 * `onImportUploaded`: Storage trigger (object finalized in the default bucket) that imports an uploaded flight
 * history at `users/{uid}/imports/{importId}.csv|.txt` ({@link runImport}). Every other object in the bucket
 * is ignored after a path check, including objects the backend writes itself (custom metadata marker).
 *
 * Idempotent: segments have content-derived ids and are created only when absent; a redelivered event of an
 * upload whose import already finished is ignored. `retry: true` retries infrastructure errors only (a bad file
 * ends in `failed` without throwing). The only function that loads the airport table (lazily, in the job).
 */
import { onObjectFinalized } from 'firebase-functions/v2/storage';
import { REGION, runtimeConfig, FUNCTION_SETTINGS } from '../config';
import { runImport } from '../services/import/job';
import { wiring } from '../wiring';

export const onImportUploaded = onObjectFinalized(
  { region: REGION, retry: true, memory: '1GiB', timeoutSeconds: 540, ...FUNCTION_SETTINGS.onImportUploaded },
  async (event) => {
    const { repo, storage, clock } = wiring();
    const o = event.data;
    // The Storage JSON API writes int64 fields such as `size` as strings.
    const size = Number(o.size);
    const timeCreated = o.timeCreated ? new Date(o.timeCreated) : undefined;
    return runImport(
      { repo, storage, clock, limits: runtimeConfig() },
      {
        name: o.name,
        bucket: o.bucket,
        contentType: o.contentType,
        size: Number.isFinite(size) ? size : Number.MAX_SAFE_INTEGER,
        timeCreated: timeCreated && !Number.isNaN(timeCreated.getTime()) ? timeCreated : undefined,
        metadata: o.metadata,
        eventId: event.id,
      },
    );
  },
);
