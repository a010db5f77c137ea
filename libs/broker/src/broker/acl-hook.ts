/**
 * ACL 1.0 enforcement for the broker's dispatcher. When `aclEnable` is on, the broker calls the validator first for
 * every request; a returned command is the refusal to send instead of processing the request (SYSTEM_ERROR with
 * Apache 4.9's AclException text, as its RPC hook produces). One-way requests get no response, as from Apache.
 *
 *   const acl = createAclValidator(config, { file: '/path/plain_acl.yml' });
 *   server.registerDefaultProcessor(...) // in the dispatcher: const refusal = acl(request, connection); if (refusal) return refusal;
 *   ... acl.close() on shutdown (stops watching the file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { RemotingCommand, ResponseCode } from '@app/rocketmq/protocol';
import type { RemotingConnection } from '@app/rocketmq/remoting';
import { AclError } from './acl/acl-error.js';
import { PlainAccessValidator } from './acl/plain-access-validator.js';
import { loadPlainAclFile, type PlainAclConfig } from './acl/plain-acl-config.js';
import { clientIp } from './acl/remote-address.js';
import type { BrokerConfig } from './broker-config.js';
import type { BrokerLogger } from './broker-context.js';

export { AclConfigError, AclError } from './acl/acl-error.js';
export type { PlainAccessConfig, PlainAclConfig } from './acl/plain-acl-config.js';
export { parsePlainAclText } from './acl/plain-acl-config.js';

export interface AclValidatorOptions {
  /**
   * plain_acl.yml (YAML subset, see acl/yaml-subset.ts) or the same structure as JSON. Default: the
   * `rocketmq.acl.plain.file` / `ROCKETMQ_ACL_PLAIN_FILE` environment variable, else `$ROCKETMQ_HOME/conf/plain_acl.yml`.
   */
  file?: string;
  /** The accounts as an object instead of a file (takes precedence over `file`). */
  config?: PlainAclConfig;
  /** Reload the file when it changes (polled), default true for files. A broken file keeps the previous accounts. */
  watch?: boolean;
  /** Poll period of the watch, default 5000 ms (Apache's AclWatcherService checks every 5 s). */
  watchIntervalMs?: number;
  logger?: BrokerLogger;
}

/** Returns the refusal to send instead of processing `request`, or undefined when the request may proceed. */
export type AclRequestValidator = ((request: RemotingCommand, connection: RemotingConnection) => RemotingCommand | undefined) & {
  /** Re-reads the file now (no-op for an object config); throws AclConfigError and keeps the old accounts on a bad file. */
  reload(): void;
  /** Stops watching the file. */
  close(): void;
};

function defaultAclFile(): string | undefined {
  const explicit = process.env['rocketmq.acl.plain.file'] ?? process.env['ROCKETMQ_ACL_PLAIN_FILE'];
  if (explicit) return explicit;
  const home = process.env['ROCKETMQ_HOME'];
  return home ? path.join(home, 'conf', 'plain_acl.yml') : undefined;
}

export function createAclValidator(config: BrokerConfig, options: AclValidatorOptions = {}): AclRequestValidator {
  const logger = options.logger;
  const file = options.config ? undefined : (options.file ?? defaultAclFile());
  if (config.aclEnable && !options.config && !file) {
    throw new Error('aclEnable is on but no ACL accounts were given: pass options.config, options.file, or set ROCKETMQ_HOME');
  }
  const validator = new PlainAccessValidator(options.config ?? (file && config.aclEnable ? loadPlainAclFile(file) : {}));

  // Polled by comparison with what was last loaded (fs.watchFile compares with its own first
  // snapshot, taken asynchronously, and misses a change made right after start).
  let loadedStat = file && fs.existsSync(file) ? fs.statSync(file) : undefined;
  const reload = (): void => {
    if (!file) return;
    loadedStat = fs.statSync(file);
    validator.update(loadPlainAclFile(file));
    logger?.log(`ACL accounts reloaded from ${file} (${validator.accountCount} accounts)`, 'Acl');
  };

  let watchTimer: NodeJS.Timeout | undefined;
  if (file && config.aclEnable && (options.watch ?? true)) {
    watchTimer = setInterval(() => {
      try {
        const current = fs.statSync(file);
        if (loadedStat && current.mtimeMs === loadedStat.mtimeMs && current.size === loadedStat.size) return;
        reload();
      } catch (error) {
        logger?.error(`ACL file ${file} was not reloaded, the previous accounts stay: ${(error as Error).message}`, undefined, 'Acl');
      }
    }, options.watchIntervalMs ?? 5000);
    watchTimer.unref();
  }

  const check = (request: RemotingCommand, connection: RemotingConnection): RemotingCommand | undefined => {
    if (!config.aclEnable) return undefined;
    try {
      validator.validate(request, clientIp(connection.addr));
      return undefined;
    } catch (error) {
      const remark = error instanceof AclError ? error.remark : `org.apache.rocketmq.acl.common.AclException: ${(error as Error).message}`;
      logger?.warn(`ACL refused ${request.code} from ${connection.addr}: ${(error as Error).message}`, 'Acl');
      return RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, remark);
    }
  };
  return Object.assign(check, {
    reload,
    close(): void {
      if (watchTimer) clearInterval(watchTimer);
      watchTimer = undefined;
    },
  });
}
