import type tls from 'node:tls';
import type { RocketMQLogger } from '../logger.js';
import type { AclCredentials } from '../remoting/acl-signer.js';

/** Options every producer, consumer and admin client shares (Java's ClientConfig). */
export interface ClientOptions {
  /** Name server addresses: `host:port`, a `;`-separated list, or an array. */
  nameServer: string | readonly string[];
  /** Resources are wrapped as `<namespace>%<name>` on the wire, as Java's namespace support does. */
  namespace?: string;
  /**
   * Clients with the same instance name share one connection set, heartbeat and route cache.
   * By default every producer and consumer gets its own, like Java's `DEFAULT` instance name.
   */
  instanceName?: string;
  /** Address announced in the client id; the first non-internal IPv4 address by default. */
  clientIp?: string;
  /** ACL 1.0 credentials: every request is signed with them. */
  credentials?: AclCredentials;
  /** TLS on the remoting ports (`true` trusts any certificate, as the Java client does by default). */
  tls?: boolean | tls.ConnectionOptions;
  /** Timeout of control requests (routes, heartbeats, offsets), ms. Default 3000. */
  requestTimeoutMs?: number;
  /** Route refresh period, ms. Default 30000. */
  pollNameServerIntervalMs?: number;
  /** Heartbeat period, ms. Default 30000. */
  heartbeatBrokerIntervalMs?: number;
  /** Consumer offset commit period, ms. Default 5000. */
  persistConsumerOffsetIntervalMs?: number;
  logger?: RocketMQLogger;
}

export interface ResolvedClientOptions {
  nameServers: string[];
  namespace: string | undefined;
  instanceName: string | undefined;
  clientIp: string | undefined;
  credentials: AclCredentials | undefined;
  tls: boolean | tls.ConnectionOptions | undefined;
  requestTimeoutMs: number;
  pollNameServerIntervalMs: number;
  heartbeatBrokerIntervalMs: number;
  persistConsumerOffsetIntervalMs: number;
  logger: RocketMQLogger | undefined;
}

export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  const list = typeof options.nameServer === 'string' ? options.nameServer.split(';') : [...options.nameServer];
  const nameServers = list.map((s) => s.trim()).filter((s) => s.length > 0);
  return {
    nameServers,
    namespace: options.namespace || undefined,
    instanceName: options.instanceName,
    clientIp: options.clientIp,
    credentials: options.credentials,
    tls: options.tls,
    requestTimeoutMs: options.requestTimeoutMs ?? 3000,
    pollNameServerIntervalMs: options.pollNameServerIntervalMs ?? 30_000,
    heartbeatBrokerIntervalMs: options.heartbeatBrokerIntervalMs ?? 30_000,
    persistConsumerOffsetIntervalMs: options.persistConsumerOffsetIntervalMs ?? 5_000,
    logger: options.logger,
  };
}
