/**
 * Reading single properties out of a properties string (`name U+0001 value U+0002 …`) without building a map:
 * the append path needs TAGS, KEYS, UNIQ_KEY and WAIT of every message.
 */
import { MessageConst, tagsCode } from '@app/rocketmq/protocol';

/** Value of property `name` (the last one when repeated, as Java's parser keeps), or undefined when absent/empty. */
export function findProperty(properties: string, name: string): string | undefined {
  let found: string | undefined;
  let from = 0;
  for (;;) {
    const at = properties.indexOf(name, from);
    if (at < 0) return found;
    const sep = at + name.length;
    if ((at === 0 || properties.charCodeAt(at - 1) === 2) && properties.charCodeAt(sep) === 1) {
      let end = properties.indexOf('\u0002', sep + 1);
      if (end < 0) end = properties.length;
      found = end > sep + 1 ? properties.slice(sep + 1, end) : undefined;
      from = end;
    } else {
      from = at + 1;
    }
  }
}

/** What dispatch needs from a message's properties. */
export interface DispatchProperties {
  tagsCode: number;
  keys: string | undefined;
  uniqKey: string | undefined;
}

/** Default consume-queue tags code: Java `String.hashCode()` of TAGS (0 when absent). */
export function defaultTagsCode(properties: string): number {
  return tagsCode(findProperty(properties, MessageConst.TAGS));
}

/** The keys a message is indexed under: the space-separated KEYS values (empty ones dropped). */
export function splitKeys(keys: string | undefined): string[] {
  if (!keys) return [];
  return keys.split(MessageConst.KEY_SEPARATOR).filter((k) => k.length > 0);
}
