/**
 * Runtime configuration of the name server (the subset of Java's `NamesrvConfig` that means something here)
 * and its `key=value` properties text, the body of GET_NAMESRV_CONFIG / UPDATE_NAMESRV_CONFIG.
 */

export interface NamesrvConfig {
  /** Put `orderTopicConf` (KV namespace ORDER_TOPIC_CONFIG) into routes. Java default false. */
  orderMessageEnable: boolean;
  /** Answer REGISTER_BROKER with the ORDER_TOPIC_CONFIG namespace as a KVTable. Java default true. */
  returnOrderTopicConfigToBroker: boolean;
  /** Serve GET_ALL_TOPIC_LIST_FROM_NAMESERVER (otherwise SYSTEM_ERROR "disable"). */
  enableAllTopicList: boolean;
  /** Serve GET_TOPICS_BY_CLUSTER and the unit-topic lists. */
  enableTopicList: boolean;
  /** A master's full registration removes its topics missing from the body. Java default false. */
  deleteTopicWithBrokerRegistration: boolean;
  /** 5.x acting master: present the lowest-id slave as master of a read-only broker group. Java default false. */
  supportActingMaster: boolean;
  /** Liveness timeout of a broker that registers without `heartbeatTimeoutMillis` (Java: 120 s). */
  brokerExpiryMs: number;
  /** Period of the expiry scan (Java 5.x: 5 s). */
  scanNotActiveBrokerInterval: number;
  /** Where the KV config is persisted; undefined keeps it in memory. */
  kvConfigPath: string | undefined;
  listenPort: number;
  bindAddress: string;
}

export const ORDER_TOPIC_CONFIG_NAMESPACE = 'ORDER_TOPIC_CONFIG';

export function defaultNamesrvConfig(): NamesrvConfig {
  return {
    orderMessageEnable: false,
    returnOrderTopicConfigToBroker: true,
    enableAllTopicList: true,
    enableTopicList: true,
    deleteTopicWithBrokerRegistration: false,
    supportActingMaster: false,
    brokerExpiryMs: 120_000,
    scanNotActiveBrokerInterval: 5_000,
    kvConfigPath: undefined,
    listenPort: 0,
    bindAddress: '127.0.0.1',
  };
}

/** Keys UPDATE_NAMESRV_CONFIG must refuse (Java's built-in black list plus what only start-up decides). */
export const CONFIG_BLACK_LIST: ReadonlySet<string> = new Set([
  'configBlackList',
  'configStorePath',
  'kvConfigPath',
  'rocketmqHome',
  'listenPort',
  'bindAddress',
]);

type BooleanKey = { [K in keyof NamesrvConfig]: NamesrvConfig[K] extends boolean ? K : never }[keyof NamesrvConfig];
type NumberKey = { [K in keyof NamesrvConfig]: NamesrvConfig[K] extends number ? K : never }[keyof NamesrvConfig];

const BOOLEAN_KEYS: readonly BooleanKey[] = [
  'orderMessageEnable',
  'returnOrderTopicConfigToBroker',
  'enableAllTopicList',
  'enableTopicList',
  'deleteTopicWithBrokerRegistration',
  'supportActingMaster',
];
const NUMBER_KEYS: readonly NumberKey[] = ['brokerExpiryMs', 'scanNotActiveBrokerInterval'];

/** Java's `Configuration.getAllConfigsFormatString`: one `key=value` line per setting, keys sorted. */
export function namesrvConfigToProperties(config: NamesrvConfig): string {
  const entries: [string, string][] = [
    ...BOOLEAN_KEYS.map((k): [string, string] => [k, String(config[k])]),
    ...NUMBER_KEYS.map((k): [string, string] => [k, String(config[k])]),
    ['kvConfigPath', config.kvConfigPath ?? ''],
    ['listenPort', String(config.listenPort)],
    ['bindAddress', config.bindAddress],
  ];
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([k, v]) => `${k}=${escapeProperty(v)}\n`).join('');
}

/** A refused UPDATE_NAMESRV_CONFIG; `blackListed` maps to NO_PERMISSION, anything else to SYSTEM_ERROR. */
export class NamesrvConfigError extends Error {
  constructor(
    message: string,
    readonly blackListed = false,
  ) {
    super(message);
    this.name = 'NamesrvConfigError';
  }
}

/**
 * Applies a properties text to `config`. Blacklisted keys throw (the caller answers NO_PERMISSION);
 * unknown keys are ignored, as Java ignores properties without a setter. Returns the keys applied.
 */
export function applyNamesrvProperties(config: NamesrvConfig, properties: Map<string, string>): string[] {
  for (const key of properties.keys()) {
    if (CONFIG_BLACK_LIST.has(key)) throw new NamesrvConfigError('Can not update config in black list.', true);
  }
  // validate everything first: a refused update changes nothing
  const updates: (() => void)[] = [];
  const applied: string[] = [];
  for (const [key, raw] of properties) {
    const value = raw.trim();
    if ((BOOLEAN_KEYS as readonly string[]).includes(key)) {
      if (value !== 'true' && value !== 'false') throw new NamesrvConfigError(`${key} must be true or false, not "${value}"`);
      updates.push(() => (config[key as BooleanKey] = value === 'true'));
      applied.push(key);
    } else if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      const n = Number(value);
      if (value === '' || !Number.isInteger(n) || n <= 0) throw new NamesrvConfigError(`${key} must be a positive integer, not "${value}"`);
      updates.push(() => (config[key as NumberKey] = n));
      applied.push(key);
    }
  }
  for (const update of updates) update();
  return applied;
}

/** A tolerant reader of Java `.properties` text (`key=value`, `key: value`, `#`/`!` comments, `\` escapes). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // continuation lines end with an odd number of backslashes
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^\s+/, '');
    }
    let sep = -1;
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (c === '=' || c === ':' || c === ' ' || c === '\t') {
        sep = j;
        break;
      }
    }
    const key = sep < 0 ? line : line.slice(0, sep);
    let rest = sep < 0 ? '' : line.slice(sep);
    rest = rest.replace(/^[ \t]*[=:]?[ \t]*/, '');
    out.set(unescapeProperty(key), unescapeProperty(rest));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  });
}

function escapeProperty(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}
