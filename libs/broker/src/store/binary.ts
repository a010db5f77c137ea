/** Big-endian int64 helpers (offsets and timestamps stay below 2^53) and file naming shared by the store files. */

const TWO_32 = 0x1_0000_0000;

export function readLong(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

export function writeLong(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
}

/** `UtilAll.offset2FileName`: the 20-digit zero-padded offset. */
export function offsetToFileName(offset: number): string {
  return String(offset).padStart(20, '0');
}

const OFFSET_NAME = /^\d{20}$/;

/** The offset a segment file name stands for, or undefined for foreign files. */
export function fileNameToOffset(name: string): number | undefined {
  if (!OFFSET_NAME.test(name)) return undefined;
  const value = Number(name);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Java `Math.abs(String.hashCode())` clamped at 0, as `IndexFile.indexKeyHashMethod`. */
export function positiveHash(hash: number): number {
  return hash === -2147483648 ? 0 : Math.abs(hash);
}
