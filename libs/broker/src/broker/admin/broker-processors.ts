/** Broker information: GET_BROKER_RUNTIME_INFO (28), GET_BROKER_CONFIG (26) and UPDATE_BROKER_CONFIG (25). */
import { RequestCode, ResponseCode, createDataVersion, encodeKVTable, nextDataVersion, type DataVersion, type RemotingCommand } from '@app/rocketmq/protocol';
import type { AdminDeps } from './admin-deps.js';
import { failure, success } from './admin-responses.js';
import { applyBrokerConfigUpdate, brokerConfigToProperties, IMMUTABLE_BROKER_CONFIG_KEYS, parseProperties } from './broker-config-text.js';
import { buildRuntimeInfo } from './runtime-info.js';

export function registerBrokerProcessors(deps: AdminDeps): void {
  const { ctx } = deps;
  let configVersion: DataVersion = createDataVersion();

  ctx.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, async (request) => {
    const table = await buildRuntimeInfo(ctx, deps.stats, deps.options);
    return success(request, encodeKVTable({ table }));
  });

  ctx.registerProcessor(RequestCode.GET_BROKER_CONFIG, (request) => {
    const version = JSON.stringify({ counter: configVersion.counter, stateVersion: configVersion.stateVersion, timestamp: configVersion.timestamp });
    return success(request, Buffer.from(brokerConfigToProperties(ctx.config), 'utf8'), { version });
  });

  ctx.registerProcessor(RequestCode.UPDATE_BROKER_CONFIG, (request: RemotingCommand) => {
    if (!request.body || request.body.length === 0) return success(request);
    const properties = parseProperties(request.body.toString('utf8'));
    for (const key of properties.keys()) {
      if (IMMUTABLE_BROKER_CONFIG_KEYS.has(key)) return failure(request, ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    }
    const { applied, ignored } = applyBrokerConfigUpdate(ctx.config, properties);
    if (applied.size > 0) configVersion = nextDataVersion(configVersion);
    if (ignored.length > 0) ctx.logger.warn(`UPDATE_BROKER_CONFIG ignored unknown or malformed keys: ${ignored.join(', ')}`, 'AdminBroker');
    if (applied.size > 0) ctx.logger.log(`broker config updated: ${[...applied].map(([k, v]) => `${k}=${v}`).join(', ')}`, 'AdminBroker');
    if (applied.has('brokerPermission')) ctx.requestRegistration();
    return success(request);
  });
}
