/**
 * The message properties string (`MessageDecoder.messageProperties2String` / `string2messageProperties`):
 * `name U+0001 value U+0002` per entry, UTF-8 encoded, at most 32767 bytes once stored.
 */
import { RocketMQClientError } from '../errors.js';

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';
/** The stored properties length is an int16. */
export const MAX_PROPERTIES_BYTES = 32767;

/** A message's properties. Records made by this library have a null prototype, so any name is a safe key. */
export type MessageProperties = Record<string, string>;

/** Input accepted by the encoders: a record (undefined/null values are skipped, as Java skips nulls) or a Map. */
export type PropertiesInput =
  | Readonly<Record<string, string | undefined | null>>
  | ReadonlyMap<string, string | undefined | null>;

/** An empty properties record with a null prototype. */
export function createProperties(): MessageProperties {
  return Object.create(null) as MessageProperties;
}

const SEPARATORS = /[\u0001\u0002]/;

function checkPart(kind: 'name' | 'value', name: string, text: string): void {
  if (SEPARATORS.test(text)) {
    throw new RocketMQClientError(
      `Message property ${kind} ${JSON.stringify(kind === 'name' ? text : name)} contains U+0001 or U+0002, which the properties string uses as separators; remove them`,
    );
  }
}

/** Build the properties string. Throws RocketMQClientError when a name or value contains a separator. */
export function propertiesToString(props: PropertiesInput): string {
  let out = '';
  const add = (name: string, value: string | undefined | null): void => {
    if (value === undefined || value === null) return;
    checkPart('name', name, name);
    checkPart('value', name, value);
    out += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  };
  if (props instanceof Map) {
    for (const [name, value] of props) add(name, value);
  } else {
    const rec = props as Readonly<Record<string, string | undefined | null>>;
    for (const name in rec) add(name, rec[name]);
  }
  return out;
}

/** Throws RocketMQClientError when `byteLength` exceeds what the int16 length field can carry. */
export function checkPropertiesLength(byteLength: number): void {
  if (byteLength > MAX_PROPERTIES_BYTES) {
    throw new RocketMQClientError(
      `Message properties take ${byteLength} bytes once encoded; RocketMQ allows at most ${MAX_PROPERTIES_BYTES}. Use fewer or shorter keys/properties`,
    );
  }
}

/** Encode properties to UTF-8 bytes, validating separators and the 32767-byte limit. */
export function encodeProperties(props: PropertiesInput): Buffer {
  const text = propertiesToString(props);
  const bytes = Buffer.from(text, 'utf8');
  checkPropertiesLength(bytes.length);
  return bytes;
}

/**
 * Parse a properties string as Java's `string2messageProperties` does: split on U+0002, then at the first
 * U+0001; segments shorter than 3 chars, without a separator, with an empty name or an empty value are ignored.
 * Later duplicates win.
 */
export function parsePropertiesString(text: string, into: MessageProperties = createProperties()): MessageProperties {
  const len = text.length;
  let index = 0;
  while (index < len) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    if (end - index >= 3) {
      const sep = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (sep > index && sep < end - 1) {
        into[text.slice(index, sep)] = text.slice(sep + 1, end);
      }
    }
    index = end + 1;
  }
  return into;
}

/** Decode UTF-8 properties bytes (`buf[start, end)`), tolerant like Java. */
export function decodeProperties(buf: Buffer, start = 0, end = buf.length): MessageProperties {
  if (end <= start) return createProperties();
  return parsePropertiesString(buf.toString('utf8', start, end));
}
