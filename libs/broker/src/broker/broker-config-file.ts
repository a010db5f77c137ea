/** Reading a Java-properties broker.conf into BrokerConfig (types follow the defaults; unknown keys are reported). */
import { parseProperties } from '../namesrv/index.js';
import { defaultBrokerConfig, type BrokerConfig } from './broker-config.js';

export class BrokerConfigError extends Error {
  override name = 'BrokerConfigError';
}

export interface ParsedBrokerConfig {
  config: Partial<BrokerConfig>;
  /** Keys that are not BrokerConfig settings (Apache keys this broker does not implement, typos). */
  unknownKeys: string[];
}

export function brokerConfigFromProperties(text: string): ParsedBrokerConfig {
  const defaults = defaultBrokerConfig() as unknown as Record<string, unknown>;
  const config: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  for (const [key, raw] of parseProperties(text)) {
    if (!(key in defaults)) {
      unknownKeys.push(key);
      continue;
    }
    const value = raw.trim();
    const kind = typeof defaults[key];
    if (kind === 'number') {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) throw new BrokerConfigError(`broker.conf: ${key}=${raw} is not a number`);
      config[key] = n;
    } else if (kind === 'boolean') {
      if (!/^(true|false)$/i.test(value)) throw new BrokerConfigError(`broker.conf: ${key}=${raw} is not true or false`);
      config[key] = value.toLowerCase() === 'true';
    } else {
      config[key] = value;
    }
  }
  if (config['flushDiskType'] !== undefined && config['flushDiskType'] !== 'ASYNC_FLUSH' && config['flushDiskType'] !== 'SYNC_FLUSH') {
    throw new BrokerConfigError(`broker.conf: flushDiskType must be ASYNC_FLUSH or SYNC_FLUSH, got ${String(config['flushDiskType'])}`);
  }
  return { config: config as Partial<BrokerConfig>, unknownKeys };
}
