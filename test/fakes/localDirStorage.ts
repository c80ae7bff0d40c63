/**
 * `FileStorage` on a local directory (tests, benchmarks): object `a/b/c.csv` is the file `<root>/a/b/c.csv`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileNotFoundError, type FileStorage } from '../../functions/src/storage/types';

export class LocalDirStorage implements FileStorage {
  constructor(readonly root: string) {}

  private resolve(objectName: string): string {
    const p = path.resolve(this.root, objectName);
    // Object names come from events; never let one escape the root.
    if (p !== this.root && !p.startsWith(this.root + path.sep)) throw new Error(`object name ${objectName} escapes the storage root`);
    return p;
  }

  async *read(objectName: string): AsyncIterable<Buffer> {
    const p = this.resolve(objectName);
    if (!fs.existsSync(p)) throw new FileNotFoundError(objectName);
    for await (const chunk of fs.createReadStream(p, { highWaterMark: 64 * 1024 })) yield chunk as Buffer;
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (path.relative(this.root, p).split(path.sep).join('/').startsWith(prefix)) {
          fs.rmSync(p);
          n += 1;
        }
      }
    };
    walk(this.root);
    return n;
  }

  /** Test helper: stores an object (creates directories). */
  async write(objectName: string, data: Buffer | string): Promise<void> {
    const p = this.resolve(objectName);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
  }

  /** Test helper: true when the object exists. */
  exists(objectName: string): boolean {
    return fs.existsSync(this.resolve(objectName));
  }
}
