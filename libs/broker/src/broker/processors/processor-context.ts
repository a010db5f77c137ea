/** What the request processors share: the public BrokerContext plus the concrete registries they drive. */
import type { RemotingConnection } from '@app/rocketmq/remoting';
import { RemotingCommand, RocketMQError } from '@app/rocketmq/protocol';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerClientRegistry } from '../client/client-registry.js';
import type { RebalanceLockManager } from '../client/rebalance-lock-manager.js';
import type { TopicConfigManager } from '../metadata/topic-config-manager.js';
import type { PullRequestHoldService } from './pull-request-hold-service.js';
import type { InternalMessage } from '../broker-context.js';

export interface ProcessorContext {
  readonly ctx: BrokerContext;
  readonly topicManager: TopicConfigManager;
  readonly clientRegistry: BrokerClientRegistry;
  readonly locks: RebalanceLockManager;
  readonly pullHold: PullRequestHoldService;
  /** Runs the put hooks in registration order; a refusal comes back as { code, remark }. */
  applyHooks(message: InternalMessage): { code: number; remark: string } | void;
  /** Resolves once the name servers have the current topics (a registration requested or running has finished). */
  registrationSettled(): Promise<void>;
}

/** A response in the request's serialization. */
export function reply(request: RemotingCommand, code: number, remark?: string, extFields?: Record<string, string>, body?: Buffer): RemotingCommand {
  return RemotingCommand.response(request, code, remark ?? undefined, extFields, body);
}

/** `ip:port` of the peer, with IPv4-mapped IPv6 addresses unwrapped and IPv6 bracketed (what encodeSocketAddress reads). */
export function peerAddress(connection: RemotingConnection): string {
  const socket = connection.socket;
  let host = socket.remoteAddress ?? '127.0.0.1';
  if (host.startsWith('::ffff:')) host = host.slice(7);
  const port = socket.remotePort ?? 0;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A put hook refused the message (putInternal rejects with it). */
export class PutRefusedError extends RocketMQError {
  override name = 'PutRefusedError';
  constructor(code: number, remark: string) {
    super(remark, code);
  }
}

export function randomQueueId(queueNums: number): number {
  return queueNums <= 1 ? 0 : Math.floor(Math.random() * queueNums);
}
