// The embedded database's folder holds patients' names and numbers, staff password
// hashes, the secrets and the recordings: nobody else on the machine may read or
// write any of it. New files are private by the process's umask, and what an older
// version left readable is tightened at start. PGlite writes the files of a new
// database readable by everyone whatever the umask (it copies them from its bundle),
// so the folder is tightened again once the database is open.
import { chmod as fsChmod, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Files and folders this process creates are its user's alone (0600 and 0700). Call first, before any data is opened. */
export function keepNewFilesPrivate(): void {
  process.umask(0o077);
}

export class DataDirExposedError extends Error {}

/**
 * Takes every permission for group and others off `dir` and everything under it
 * (links are not followed). Returns how many files and folders it changed; throws
 * DataDirExposedError, naming them, when some cannot be changed (owned by another user).
 */
export async function makePrivate(
  dir: string,
  chmod: (file: string, mode: number) => Promise<void> = fsChmod,
): Promise<number> {
  const entries = [dir, ...(await readdir(dir, { recursive: true })).map((name) => path.join(dir, name))];
  let changed = 0;
  const stuck: string[] = [];
  for (const entry of entries) {
    const stat = await lstat(entry).catch(() => null); // removed meanwhile
    if (!stat || stat.isSymbolicLink() || (stat.mode & 0o077) === 0) continue;
    try {
      await chmod(entry, stat.mode & 0o700);
      changed++;
    } catch {
      stuck.push(entry);
    }
  }
  if (stuck.length > 0) {
    throw new DataDirExposedError(
      `DATA_DIR ${dir} holds ${stuck.length} file(s) other users may read that this user cannot make private, e.g. ${stuck.slice(0, 3).join(', ')}. ` +
        `Make this user their owner (chown -R) or run: chmod -R go-rwx ${dir}`,
    );
  }
  return changed;
}
