import type { RocketMQListenerOptions } from '../interfaces/listener-options.interface.js';
import type { RocketMQModuleOptions } from '../interfaces/module-options.interface.js';

const OFF = new Set(['false', '0', 'off', 'no', 'disabled']);

/** Reads a config value as a switch: unset or blank → `fallback`. */
export function asSwitch(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === '') return fallback;
  return !OFF.has(text);
}

/**
 * Whether a listener runs: the module's `listeners` switch (by id, then `group.topic`) wins over
 * the decorator's `enabled` (a boolean, or a config key read with `resolveConfig`, default the
 * environment). Enabled unless something says otherwise.
 */
export function isListenerEnabled(
  id: string,
  options: RocketMQListenerOptions,
  module: Pick<RocketMQModuleOptions, 'listeners' | 'resolveConfig'>,
): boolean {
  const switches = module.listeners ?? {};
  const byId = switches[id];
  if (byId !== undefined) return byId;
  const byGroupTopic = switches[`${options.consumerGroup}.${options.topic}`];
  if (byGroupTopic !== undefined) return byGroupTopic;
  const enabled = options.enabled;
  if (enabled === undefined) return true;
  if (typeof enabled === 'boolean') return enabled;
  const resolve = module.resolveConfig ?? ((key: string) => process.env[key]);
  return asSwitch(resolve(enabled), true);
}
