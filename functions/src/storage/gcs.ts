/**
 * `FileStorage` on Cloud Storage through firebase-admin (production and the Storage emulator, which
 * firebase-admin reaches through FIREBASE_STORAGE_EMULATOR_HOST).
 */
import type { getStorage } from 'firebase-admin/storage';
import { FileNotFoundError, type FileStorage } from './types';

/** The bucket type firebase-admin returns (declared through it, not through an undeclared dependency). */
export type AdminBucket = ReturnType<ReturnType<typeof getStorage>['bucket']>;

export class GcsStorage implements FileStorage {
  constructor(private readonly bucket: AdminBucket) {}

  async *read(objectName: string): AsyncIterable<Buffer> {
    const file = this.bucket.file(objectName);
    const [exists] = await file.exists();
    if (!exists) throw new FileNotFoundError(objectName);
    for await (const chunk of file.createReadStream()) yield chunk as Buffer;
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    let pageToken: string | undefined;
    do {
      const [files, next] = await this.bucket.getFiles({ prefix, autoPaginate: false, maxResults: 500, pageToken });
      // ignoreNotFound: a concurrent deletion (a retried callable) must not fail this one.
      await Promise.all(files.map((f) => f.delete({ ignoreNotFound: true })));
      n += files.length;
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
    return n;
  }
}
