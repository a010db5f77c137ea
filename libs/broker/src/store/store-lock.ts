/**
 * One store per directory: an in-process registry plus a `lock` file holding the owner's pid (Node has no
 * portable file lock; a pid that is no longer alive is taken over).
 */
import fs from 'node:fs';
import path from 'node:path';
import { StoreOpenError } from './store-errors.js';

const openStores = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock on `root`; the returned function releases it (`removeFile` on clean shutdown). */
export function acquireStoreLock(root: string): (removeFile: boolean) => void {
  const key = path.resolve(root);
  if (openStores.has(key)) throw new StoreOpenError(`The message store at ${key} is already open in this process`);
  const file = path.join(key, 'lock');
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new StoreOpenError(`The message store at ${key} is locked by process ${pid}; stop it first (or delete ${file} if it is stale)`);
    }
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  openStores.add(key);
  let released = false;
  return (removeFile: boolean) => {
    if (released) return;
    released = true;
    openStores.delete(key);
    if (removeFile) fs.rmSync(file, { force: true });
  };
}
