/**
 * The small file-storage interface the functions need: stream an uploaded object, and delete a user's files.
 * Implementations: Cloud Storage through firebase-admin (production, `GcsStorage`) and a local directory
 * (tests and benchmarks, `LocalDirStorage`). Paths are object names such as `users/{uid}/imports/{importId}.csv`.
 */
export interface FileStorage {
  /**
   * Streams the object's bytes in chunks.
   * @throws FileNotFoundError when the object does not exist (e.g. deleted between upload and trigger).
   */
  read(path: string): AsyncIterable<Buffer>;
  /** Deletes every object whose name starts with `prefix`; returns how many were deleted. Idempotent. */
  deletePrefix(prefix: string): Promise<number>;
}

/** The object named does not exist. */
export class FileNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`file ${path} does not exist`);
    this.name = 'FileNotFoundError';
  }
}
