/**
 * Reading and writing the JSON that fastjson 1.x produces and expects (RocketMQ bodies and config files).
 *
 * Reader (`parseFastjson`) accepts standard JSON plus fastjson's quirks:
 * - bare numeric keys `{0:"a"}`: become ordinary string keys (`{"0":"a"}`);
 * - bare identifier keys `{a:1}`;
 * - object/array keys `{{"brokerName":"b","queueId":0,"topic":"t"}:{...}}`: an object with any such key is
 *   returned as a `Map<JsonValue, JsonValue>` (keys parsed; string/number keys stay strings), in input order;
 * - integers outside ±(2^53−1) become `bigint`; every other number is a JS number (offsets and ms timestamps fit);
 * - trailing commas.
 * Malformed input raises FastjsonParseError (a RocketMQProtocolError) with the position; nesting is capped.
 *
 * Writer (`stringifyFastjson`) produces standard JSON or fastjson's shapes: Map keys that are numbers/bigints
 * are written bare and object keys inline (fastjson mode), or quoted/stringified (standard mode).
 */
import { RocketMQProtocolError } from '../errors.js';

export type JsonPrimitive = null | boolean | number | bigint | string;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject | JsonMap;
export interface JsonObject {
  [key: string]: JsonValue;
}
/** An object that had non-string (object/array) keys. */
export type JsonMap = Map<JsonValue, JsonValue>;

export class FastjsonParseError extends RocketMQProtocolError {
  override name = 'FastjsonParseError';
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`Malformed JSON body at character ${position}: ${reason}`);
  }
}

export interface FastjsonParseOptions {
  /** Maximum nesting depth (default 256). */
  maxDepth?: number;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

class Parser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  fail(reason: string, at = this.pos): never {
    throw new FastjsonParseError(reason, at);
  }

  ws(): void {
    const s = this.s;
    let p = this.pos;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) p++;
      else break;
    }
    this.pos = p;
  }

  value(depth: number): JsonValue {
    this.ws();
    const c = this.s.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
      case 0x27: // '
        return this.string();
      case 0x74: // t
        return this.word('true', true);
      case 0x66: // f
        return this.word('false', false);
      case 0x6e: // n
        return this.word('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        if (Number.isNaN(c)) this.fail('unexpected end of input');
        this.fail(`unexpected character ${JSON.stringify(this.s[this.pos])}`);
    }
  }

  word<T extends JsonValue>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.pos)) this.fail(`expected ${w}`);
    this.pos += w.length;
    return v;
  }

  number(): number | bigint {
    const s = this.s;
    const start = this.pos;
    let p = start;
    if (s.charCodeAt(p) === 0x2d) p++;
    const digitsStart = p;
    while (p < s.length && s.charCodeAt(p) >= 0x30 && s.charCodeAt(p) <= 0x39) p++;
    if (p === digitsStart) this.fail('invalid number', start);
    let integer = true;
    if (s.charCodeAt(p) === 0x2e) {
      integer = false;
      p++;
      const f = p;
      while (p < s.length && s.charCodeAt(p) >= 0x30 && s.charCodeAt(p) <= 0x39) p++;
      if (p === f) this.fail('invalid number', start);
    }
    const e = s.charCodeAt(p);
    if (e === 0x65 || e === 0x45) {
      integer = false;
      p++;
      const sign = s.charCodeAt(p);
      if (sign === 0x2b || sign === 0x2d) p++;
      const f = p;
      while (p < s.length && s.charCodeAt(p) >= 0x30 && s.charCodeAt(p) <= 0x39) p++;
      if (p === f) this.fail('invalid number', start);
    }
    // fastjson may suffix longs/floats/doubles with L, F, D in some modes
    const suffix = s.charCodeAt(p);
    const text = s.slice(start, p);
    if (suffix === 0x4c || suffix === 0x46 || suffix === 0x44) p++;
    this.pos = p;
    if (integer && p - start > 15) {
      const big = BigInt(text);
      if (big > MAX_SAFE || big < -MAX_SAFE) return big;
      return Number(big);
    }
    return Number(text);
  }

  string(): string {
    const s = this.s;
    const quote = s.charCodeAt(this.pos);
    let p = this.pos + 1;
    let out = '';
    let chunk = p;
    for (;;) {
      if (p >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(p);
      if (c === quote) {
        out += s.slice(chunk, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(chunk, p);
        const n = s[p + 1];
        switch (n) {
          case '"':
          case '\\':
          case '/':
          case "'":
            out += n;
            p += 2;
            break;
          case 'b':
            out += '\b';
            p += 2;
            break;
          case 'f':
            out += '\f';
            p += 2;
            break;
          case 'n':
            out += '\n';
            p += 2;
            break;
          case 'r':
            out += '\r';
            p += 2;
            break;
          case 't':
            out += '\t';
            p += 2;
            break;
          case 'u': {
            const hex = s.slice(p + 2, p + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape', p);
            out += String.fromCharCode(parseInt(hex, 16));
            p += 6;
            break;
          }
          case 'x': {
            const hex = s.slice(p + 2, p + 4);
            if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail('invalid \\x escape', p);
            out += String.fromCharCode(parseInt(hex, 16));
            p += 4;
            break;
          }
          default:
            this.fail('invalid escape', p);
        }
        chunk = p;
        continue;
      }
      p++;
    }
  }

  /** A key: string, bare number, bare identifier, or (fastjson) an object/array. */
  key(depth: number): { key: JsonValue; composite: boolean } {
    this.ws();
    const c = this.s.charCodeAt(this.pos);
    if (c === 0x22 || c === 0x27) return { key: this.string(), composite: false };
    if (c === 0x7b || c === 0x5b) return { key: this.value(depth), composite: true };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return { key: String(this.number()), composite: false };
    const m = /^[A-Za-z_$][\w$]*/.exec(this.s.slice(this.pos, this.pos + 256));
    if (m) {
      this.pos += m[0].length;
      return { key: m[0], composite: false };
    }
    if (Number.isNaN(c)) this.fail('unexpected end of input');
    this.fail(`unexpected character ${JSON.stringify(this.s[this.pos])} in key position`);
  }

  object(depth: number): JsonObject | JsonMap {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++; // {
    const entries: Array<[JsonValue, JsonValue]> = [];
    let composite = false;
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return {};
    }
    for (;;) {
      const k = this.key(depth);
      composite ||= k.composite;
      this.ws();
      if (this.s.charCodeAt(this.pos) !== 0x3a) this.fail("expected ':'");
      this.pos++;
      const v = this.value(depth);
      entries.push([k.key, v]);
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        this.ws();
        if (this.s.charCodeAt(this.pos) === 0x7d) {
          this.pos++;
          break;
        }
        continue;
      }
      if (c === 0x7d) {
        this.pos++;
        break;
      }
      this.fail("expected ',' or '}'");
    }
    if (composite) return new Map(entries);
    const obj: JsonObject = {};
    for (const [k, v] of entries) setKey(obj, k as string, v);
    return obj;
  }

  array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.pos++; // [
    const out: JsonValue[] = [];
    this.ws();
    if (this.s.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      if (c === 0x2c) {
        this.pos++;
        this.ws();
        if (this.s.charCodeAt(this.pos) === 0x5d) {
          this.pos++;
          return out;
        }
        continue;
      }
      if (c === 0x5d) {
        this.pos++;
        return out;
      }
      this.fail("expected ',' or ']'");
    }
  }
}

/** Parse fastjson/standard JSON text or UTF-8 bytes. */
export function parseFastjson(input: string | Buffer, options: FastjsonParseOptions = {}): JsonValue {
  const text = typeof input === 'string' ? input : input.toString('utf8');
  const p = new Parser(text, options.maxDepth ?? 256);
  const v = p.value(0);
  p.ws();
  if (p.pos !== text.length) p.fail('unexpected data after the JSON value');
  return v;
}

/** Entries of a parsed object or Map (what a `Map<K, V>` field reads as, whichever way it was written). */
export function jsonEntries(value: JsonValue): Array<[JsonValue, JsonValue]> {
  if (value instanceof Map) return [...value.entries()];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  return [];
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Map);
}

// ---------------------------------------------------------------------------------------------- writer

/** Values the writer accepts: JSON values plus Sets (written as arrays) and undefined (skipped in objects). */
export type JsonWritable =
  | JsonPrimitive
  | undefined
  | readonly JsonWritable[]
  | ReadonlySet<JsonWritable>
  | ReadonlyMap<JsonWritable, JsonWritable>
  | { readonly [key: string]: JsonWritable };

export interface FastjsonWriteOptions {
  /**
   * `fastjson` (default): Map keys that are numbers/bigints are written bare (`{0:"a"}`) and object keys inline
   * (`{{"brokerName":…}:…}`), as Java's fastjson writes and reads them.
   * `standard`: valid JSON; number keys quoted, object keys written as their JSON text in a string.
   */
  mode?: 'fastjson' | 'standard';
  /** Sort plain-object keys (fastjson sorts bean fields). Default true. Map entries keep their order. */
  sortKeys?: boolean;
  /** Escape non-ASCII as `\uXXXX` (fastjson BrowserCompatible). Default false. */
  asciiOnly?: boolean;
}

function quote(s: string, asciiOnly: boolean): string {
  const q = JSON.stringify(s);
  return asciiOnly ? q.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : q;
}

function writeNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  return Number.isFinite(n) ? String(n) : 'null';
}

/** Serialize to JSON text (see FastjsonWriteOptions). Nulls/undefined in objects are omitted, as fastjson does. */
export function stringifyFastjson(value: JsonWritable, options: FastjsonWriteOptions = {}): string {
  const fastjson = (options.mode ?? 'fastjson') === 'fastjson';
  const sortKeys = options.sortKeys ?? true;
  const asciiOnly = options.asciiOnly ?? false;

  const write = (v: JsonWritable): string => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return quote(v, asciiOnly);
      case 'number':
      case 'bigint':
        return writeNumber(v);
      case 'boolean':
        return v ? 'true' : 'false';
    }
    if (Array.isArray(v)) return '[' + (v as readonly JsonWritable[]).map(write).join(',') + ']';
    if (v instanceof Set) return '[' + [...(v as ReadonlySet<JsonWritable>)].map(write).join(',') + ']';
    if (v instanceof Map) {
      const parts: string[] = [];
      for (const [k, val] of v as ReadonlyMap<JsonWritable, JsonWritable>) {
        if (val === undefined || val === null) continue;
        parts.push(writeKey(k) + ':' + write(val));
      }
      return '{' + parts.join(',') + '}';
    }
    const obj = v as { readonly [key: string]: JsonWritable };
    const keys = Object.keys(obj);
    if (sortKeys) keys.sort();
    const parts: string[] = [];
    for (const k of keys) {
      const val = obj[k];
      if (val === undefined || val === null) continue;
      parts.push(quote(k, asciiOnly) + ':' + write(val));
    }
    return '{' + parts.join(',') + '}';
  };

  const writeKey = (k: JsonWritable): string => {
    if (typeof k === 'string') return quote(k, asciiOnly);
    if (typeof k === 'number' || typeof k === 'bigint') return fastjson ? writeNumber(k) : quote(writeNumber(k), asciiOnly);
    if (typeof k === 'boolean' || k === null || k === undefined) return quote(String(k), asciiOnly);
    return fastjson ? write(k) : quote(write(k), asciiOnly);
  };

  return write(value);
}

/** `stringifyFastjson` as UTF-8 bytes, for request/response bodies. */
export function encodeFastjson(value: JsonWritable, options?: FastjsonWriteOptions): Buffer {
  return Buffer.from(stringifyFastjson(value, options), 'utf8');
}
