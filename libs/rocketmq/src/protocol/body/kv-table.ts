/** KVTable body (`body/KVTable.java`): broker runtime info, REGISTER_BROKER response, etc. */
import { encodeFastjson } from '../json/fastjson.js';
import { parseBody, strMap } from './json-fields.js';

export interface KVTable {
  table: Record<string, string>;
}

export function decodeKVTable(body: Buffer | string): KVTable {
  return { table: strMap('KVTable', parseBody('KVTable', body), 'table') };
}

export function encodeKVTable(body: KVTable): Buffer {
  return encodeFastjson({ table: { ...body.table } });
}
