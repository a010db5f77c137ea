/**
 * One fixed-capacity file of a log (commit log or consume queue), named by the global offset of its first byte.
 * Files are not pre-allocated: they grow as they are written with positional writes. Reads and writes hold a
 * reference so that a file deleted by retention is closed only when the last I/O on it has finished (its
 * descriptor cannot be reused under a pending read).
 */
import fs from 'node:fs';

export class SegmentFile {
  private fd = -1;
  private refs = 0;
  private closing = false;
  private removed = false;

  constructor(
    readonly path: string,
    /** Global offset of the file's first byte. */
    readonly fileFromOffset: number,
    /** Bytes the file may hold. */
    readonly capacity: number,
    /** Bytes written so far (the file length, as far as this process knows). */
    public size: number,
  ) {}

  /** Create (or open) the file for writing. */
  static create(filePath: string, fileFromOffset: number, capacity: number): SegmentFile {
    const segment = new SegmentFile(filePath, fileFromOffset, capacity, 0);
    segment.fd = fs.openSync(segment.path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    segment.size = fs.fstatSync(segment.fd).size;
    return segment;
  }

  get fileEndOffset(): number {
    return this.fileFromOffset + this.capacity;
  }

  /** Global offset just past the written bytes. */
  get writtenEndOffset(): number {
    return this.fileFromOffset + this.size;
  }

  get isRemoved(): boolean {
    return this.removed;
  }

  private acquire(): number {
    if (this.removed || this.closing) throw new Error(`Segment ${this.path} is closed`);
    if (this.fd < 0) this.fd = fs.openSync(this.path, fs.constants.O_RDWR);
    this.refs++;
    return this.fd;
  }

  private release(): void {
    this.refs--;
    if (this.refs === 0 && this.closing) this.closeNow();
  }

  private closeNow(): void {
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      fs.close(fd, () => {});
    }
  }

  /** Write `buf[off, off + len)` at file position `pos` (loops over short writes). */
  write(buf: Buffer, off: number, len: number, pos: number): Promise<void> {
    let fd: number;
    try {
      fd = this.acquire();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      const step = (err: NodeJS.ErrnoException | null, written: number): void => {
        if (err || written <= 0) {
          this.release();
          reject(err ?? new Error(`Short write to ${this.path}`));
          return;
        }
        off += written;
        len -= written;
        pos += written;
        if (len <= 0) {
          this.release();
          resolve();
        } else {
          fs.write(fd, buf, off, len, pos, step);
        }
      };
      fs.write(fd, buf, off, len, pos, step);
    });
  }

  /** Read up to `len` bytes at file position `pos` into `buf[off…]`; resolves the byte count read. */
  read(buf: Buffer, off: number, len: number, pos: number): Promise<number> {
    let fd: number;
    try {
      fd = this.acquire();
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<number>((resolve, reject) => {
      let total = 0;
      const step = (err: NodeJS.ErrnoException | null, n: number): void => {
        if (err) {
          this.release();
          reject(err);
          return;
        }
        total += n;
        if (n === 0 || total >= len) {
          this.release();
          resolve(total);
        } else {
          fs.read(fd, buf, off + total, len - total, pos + total, step);
        }
      };
      fs.read(fd, buf, off, len, pos, step);
    });
  }

  readSync(buf: Buffer, off: number, len: number, pos: number): number {
    const fd = this.acquire();
    try {
      let total = 0;
      while (total < len) {
        const n = fs.readSync(fd, buf, off + total, len - total, pos + total);
        if (n === 0) break;
        total += n;
      }
      return total;
    } finally {
      this.release();
    }
  }

  writeSync(buf: Buffer, off: number, len: number, pos: number): void {
    const fd = this.acquire();
    try {
      while (len > 0) {
        const n = fs.writeSync(fd, buf, off, len, pos);
        off += n;
        len -= n;
        pos += n;
      }
    } finally {
      this.release();
    }
  }

  datasync(): Promise<void> {
    let fd: number;
    try {
      fd = this.acquire();
    } catch (err) {
      return this.removed ? Promise.resolve() : Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (err) => {
        this.release();
        if (err) reject(err);
        else resolve();
      });
    });
  }

  datasyncSync(): void {
    const fd = this.acquire();
    try {
      fs.fdatasyncSync(fd);
    } finally {
      this.release();
    }
  }

  truncateSync(length: number): void {
    const fd = this.acquire();
    try {
      fs.ftruncateSync(fd, length);
      this.size = length;
    } finally {
      this.release();
    }
  }

  /** Last modification time (ms), what retention compares with `fileReservedTime`. */
  async lastModified(): Promise<number> {
    try {
      return (await fs.promises.stat(this.path)).mtimeMs;
    } catch {
      return 0;
    }
  }

  /** Close the descriptor once pending I/O is done. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.refs === 0) this.closeNow();
  }

  /** Delete the file; the descriptor closes when the last pending read finishes. */
  destroy(): void {
    if (this.removed) return;
    this.removed = true;
    try {
      fs.unlinkSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.close();
  }
}
