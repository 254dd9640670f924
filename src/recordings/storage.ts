// Where encrypted audio lives. Files under DATA_DIR for a lone instance; the
// database when instances share DATABASE_URL (every instance must read what any
// other stored). Object storage can be added behind the same three methods.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Prisma } from '../db/database.js';

export interface RecordingStorage {
  readonly kind: 'files' | 'database';
  put(recordingId: string, sealed: Buffer): Promise<void>;
  /** The stored bytes, or null when there are none. */
  get(recordingId: string): Promise<Buffer | null>;
  /** Removes the bytes; removing what is not there is fine (a purge run twice). */
  delete(recordingId: string): Promise<void>;
}

export class FileStorage implements RecordingStorage {
  readonly kind = 'files';
  constructor(readonly dir: string) {}

  /** Two-character folders keep any one folder small at 100,000 recordings. */
  pathOf(recordingId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(recordingId)) throw new Error('not a recording id');
    return path.join(this.dir, recordingId.slice(0, 2), `${recordingId}.enc`);
  }

  async put(recordingId: string, sealed: Buffer): Promise<void> {
    const file = this.pathOf(recordingId);
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a crash never leaves half a file under the real name.
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, sealed, { mode: 0o600 });
    await rename(temp, file);
  }

  async get(recordingId: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(recordingId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(recordingId: string): Promise<void> {
    await rm(this.pathOf(recordingId), { force: true });
  }
}

export class DatabaseStorage implements RecordingStorage {
  readonly kind = 'database';
  constructor(private readonly prisma: Prisma) {}

  async put(recordingId: string, sealed: Buffer): Promise<void> {
    const data = new Uint8Array(sealed);
    await this.prisma.recordingBlob.upsert({ where: { recordingId }, create: { recordingId, data }, update: { data } });
  }

  async get(recordingId: string): Promise<Buffer | null> {
    const row = await this.prisma.recordingBlob.findUnique({ where: { recordingId } });
    return row ? Buffer.from(row.data) : null;
  }

  async delete(recordingId: string): Promise<void> {
    await this.prisma.recordingBlob.deleteMany({ where: { recordingId } });
  }
}

/** Files beside the embedded database; the shared database otherwise. */
export const storageFor = (db: Database, dataDir: string): RecordingStorage =>
  db.kind === 'embedded' ? new FileStorage(path.join(dataDir, 'recordings')) : new DatabaseStorage(db.prisma);
