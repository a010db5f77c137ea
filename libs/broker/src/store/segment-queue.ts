/** The ordered files of one log (`MappedFileQueue`): lookup by global offset, roll, truncate, delete the oldest. */
import fs from 'node:fs';
import path from 'node:path';
import { fileNameToOffset, offsetToFileName } from './binary.js';
import { SegmentFile } from './segment-file.js';
import { StoreOpenError } from './store-errors.js';

export class SegmentQueue {
  readonly segments: SegmentFile[] = [];
  private dirReady = false;

  constructor(
    readonly dir: string,
    readonly segmentSize: number,
  ) {}

  /** Load the files present in `dir` (missing directory = empty log). Throws StoreOpenError on inconsistent files. */
  loadSync(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
      this.dirReady = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const offsets: number[] = [];
    for (const name of names) {
      const offset = fileNameToOffset(name);
      if (offset !== undefined) offsets.push(offset);
    }
    offsets.sort((a, b) => a - b);
    for (const offset of offsets) {
      if (offset % this.segmentSize !== 0) {
        throw new StoreOpenError(
          `${this.dir}: file ${offset} does not start at a multiple of the segment size ${this.segmentSize}; was the store written with another segment size?`,
        );
      }
      const segment = new SegmentFile(path.join(this.dir, offsetToFileName(offset)), offset, this.segmentSize, 0);
      const size = fs.statSync(segment.path).size;
      if (size > this.segmentSize) {
        throw new StoreOpenError(`${segment.path} holds ${size} bytes, more than the segment size ${this.segmentSize}; configure the size it was written with`);
      }
      segment.size = size;
      this.segments.push(segment);
    }
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  get first(): SegmentFile | undefined {
    return this.segments[0];
  }

  get last(): SegmentFile | undefined {
    return this.segments[this.segments.length - 1];
  }

  /** The file holding global offset `offset`, if it exists. */
  find(offset: number): SegmentFile | undefined {
    const first = this.segments[0];
    if (!first || offset < first.fileFromOffset) return undefined;
    const guess = this.segments[Math.floor((offset - first.fileFromOffset) / this.segmentSize)];
    if (guess && offset >= guess.fileFromOffset && offset < guess.fileEndOffset) return guess;
    for (const s of this.segments) if (offset >= s.fileFromOffset && offset < s.fileEndOffset) return s;
    return undefined;
  }

  /** Create the file starting at `fileFromOffset` (a multiple of the segment size after the last one). */
  create(fileFromOffset: number): SegmentFile {
    if (!this.dirReady) {
      fs.mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const last = this.last;
    if (last && fileFromOffset <= last.fileFromOffset) throw new Error(`Segment ${fileFromOffset} is not after ${last.fileFromOffset} in ${this.dir}`);
    const segment = SegmentFile.create(path.join(this.dir, offsetToFileName(fileFromOffset)), fileFromOffset, this.segmentSize);
    this.segments.push(segment);
    return segment;
  }

  /** The file for `offset`, created when `offset` lies past the last file. */
  findOrCreate(offset: number): SegmentFile {
    const found = this.find(offset);
    if (found) return found;
    return this.create(offset - (offset % this.segmentSize));
  }

  /** Remove everything at and after `offset`: later files are deleted, the file holding it is truncated. */
  truncateFrom(offset: number): void {
    while (this.segments.length > 0) {
      const last = this.segments[this.segments.length - 1]!;
      if (last.fileFromOffset >= offset) {
        last.destroy();
        this.segments.pop();
        continue;
      }
      if (offset < last.writtenEndOffset) last.truncateSync(offset - last.fileFromOffset);
      break;
    }
  }

  /** Delete the oldest file. */
  removeFirst(): SegmentFile | undefined {
    const first = this.segments.shift();
    first?.destroy();
    return first;
  }

  /** Delete every file (and the directory when empty). */
  destroy(): void {
    for (const s of this.segments) s.destroy();
    this.segments.length = 0;
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
    this.dirReady = false;
  }

  close(): void {
    for (const s of this.segments) s.close();
  }

  /** Sum of the file sizes. */
  get totalBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }
}
