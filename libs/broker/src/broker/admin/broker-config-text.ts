/**
 * The broker configuration as Java properties text (GET_BROKER_CONFIG / UPDATE_BROKER_CONFIG bodies,
 * `MixAll.properties2String` / `string2Properties`) and the live update of the keys that may change at runtime.
 */
import type { BrokerConfig } from '../broker-config.js';

/** `key=value` lines, keys sorted. */
export function brokerConfigToProperties(config: BrokerConfig): string {
  const record = config as unknown as Record<string, unknown>;
  return Object.keys(record)
    .sort()
    .map((key) => `${key}=${String(record[key] ?? '')}\n`)
    .join('');
}

/** Java `Properties.load` for the simple form tools send: `key=value` or `key:value` lines, `#`/`!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) out.set(match[1]!, match[2]!.trim());
    else out.set(line, '');
  }
  return out;
}

/**
 * Keys UPDATE_BROKER_CONFIG refuses (Apache's `configBlackList` plus what an embedded broker cannot change while
 * running: identity, listening address and store layout).
 */
export const IMMUTABLE_BROKER_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'configBlackList',
  'brokerConfigPath',
  'rocketmqHome',
  'storePathRootDir',
  'storePathCommitLog',
  'listenPort',
  'brokerName',
  'brokerClusterName',
  'brokerId',
  'brokerIP1',
  'flushDiskType',
  'mappedFileSizeCommitLog',
  'mappedFileSizeConsumeQueue',
  'aclEnable',
]);

export interface BrokerConfigUpdate {
  /** Keys that were changed, with their new values. */
  applied: Map<string, string>;
  /** Keys that are not broker settings or whose value has the wrong type (Apache ignores them too). */
  ignored: string[];
}

/** Applies `properties` to `config` in place, converting each value to the type of the current one. */
export function applyBrokerConfigUpdate(config: BrokerConfig, properties: ReadonlyMap<string, string>): BrokerConfigUpdate {
  const record = config as unknown as Record<string, unknown>;
  const applied = new Map<string, string>();
  const ignored: string[] = [];
  for (const [key, text] of properties) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) {
      ignored.push(key);
      continue;
    }
    const current = record[key];
    let value: unknown;
    if (typeof current === 'number') {
      value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) {
        ignored.push(key);
        continue;
      }
    } else if (typeof current === 'boolean') {
      if (text !== 'true' && text !== 'false') {
        ignored.push(key);
        continue;
      }
      value = text === 'true';
    } else {
      value = text;
    }
    record[key] = value;
    applied.set(key, text);
  }
  return { applied, ignored };
}
