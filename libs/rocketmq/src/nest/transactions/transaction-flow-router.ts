/**
 * One transactional producer per connection serves every flow: the flow name travels in a user
 * property of the half message, and check-backs are routed by it to the flow's listener
 * (rocketmq-spring binds one listener per template instead).
 */
import type { LocalTransactionState, TransactionListener } from '../../client/producer/transaction-producer.js';
import type { RocketMQLogger } from '../../logger.js';
import { MessageConst } from '../../protocol/message/message-const.js';
import type { Message, MessageExt } from '../../protocol/message/message.js';
import type { RocketMQLocalTransactionListener, TransactionContext } from '../interfaces/transaction-listener.interface.js';
import { CONTENT_TYPE_PROPERTY, TRANSACTION_FLOW_PROPERTY } from '../rocketmq.constants.js';
import { RocketMQConfigurationError, RocketMQTransactionFlowError } from '../rocketmq.errors.js';
import type { RocketMQSerializer } from '../serialization/serializer.js';

export interface TransactionFlow {
  flow: string;
  listener: RocketMQLocalTransactionListener;
  /** Where it was declared (class name), for messages. */
  source: string;
}

const STATES: ReadonlySet<string> = new Set(['COMMIT', 'ROLLBACK', 'UNKNOWN']);

export class TransactionFlowRouter implements TransactionListener {
  private readonly flows = new Map<string, TransactionFlow>();

  constructor(
    private readonly connection: string,
    private readonly serializer: RocketMQSerializer,
    private readonly logger: RocketMQLogger,
  ) {}

  register(flow: TransactionFlow): void {
    const existing = this.flows.get(flow.flow);
    if (existing) {
      throw new RocketMQConfigurationError([
        `${existing.source} and ${flow.source} both serve transaction flow "${flow.flow}" on connection "${this.connection}"; give one of them another @TransactionListener({ flow })`,
      ]);
    }
    this.flows.set(flow.flow, flow);
  }

  names(): string[] {
    return [...this.flows.keys()];
  }

  /** The flow for a send; throws when no listener serves it. */
  require(flow: string): TransactionFlow {
    const found = this.flows.get(flow);
    if (!found) {
      const known = this.names();
      throw new RocketMQTransactionFlowError(
        `No @TransactionListener serves flow "${flow}" on connection "${this.connection}"; ${
          known.length > 0 ? `known flows: ${known.map((f) => `"${f}"`).join(', ')}` : 'declare a provider class with @TransactionListener({ flow })'
        }`,
      );
    }
    return found;
  }

  /** Runs the flow's local transaction (the message carries the flow property). */
  async execute(flow: TransactionFlow, message: Message, payload: unknown, arg: unknown): Promise<LocalTransactionState> {
    const answer = await flow.listener.executeLocalTransaction(payload, arg, contextOf(flow.flow, message, 0));
    return this.normalize(answer, flow, message, 'executeLocalTransaction');
  }

  // TransactionListener (client): used for check-backs, and for sends that bypass execute().

  async executeLocalTransaction(message: Message, arg: unknown): Promise<LocalTransactionState> {
    const flow = this.require(message.getProperty(TRANSACTION_FLOW_PROPERTY) ?? '');
    return this.execute(flow, message, this.payloadOf(message), arg);
  }

  async checkLocalTransaction(message: MessageExt): Promise<LocalTransactionState> {
    const name = message.getProperty(TRANSACTION_FLOW_PROPERTY);
    const flow = name === undefined ? undefined : this.flows.get(name);
    if (!flow) {
      this.logger.warn(
        `check-back for half message ${message.msgId} of ${message.topic}: ${
          name === undefined ? 'it names no transaction flow' : `no @TransactionListener serves flow "${name}" in this application`
        }; answering UNKNOWN (the broker asks again later)`,
        'RocketMQTransactions',
      );
      return 'UNKNOWN';
    }
    const checkTimes = Number(message.getProperty(MessageConst.TRANSACTION_CHECK_TIMES) ?? 0) || 0;
    const answer = await flow.listener.checkLocalTransaction(this.payloadOf(message), contextOf(flow.flow, message, checkTimes));
    return this.normalize(answer, flow, message, 'checkLocalTransaction');
  }

  payloadOf(message: Message): unknown {
    return this.serializer.deserialize(message.body, message.getProperty(CONTENT_TYPE_PROPERTY));
  }

  private normalize(answer: unknown, flow: TransactionFlow, message: Message, method: string): LocalTransactionState {
    if (typeof answer === 'string' && STATES.has(answer)) return answer as LocalTransactionState;
    this.logger.warn(
      `${flow.source}.${method} returned ${JSON.stringify(answer)} for message ${message.uniqKey}; expected 'COMMIT', 'ROLLBACK' or 'UNKNOWN' — treating it as UNKNOWN`,
      'RocketMQTransactions',
    );
    return 'UNKNOWN';
  }
}

export function contextOf(flow: string, message: Message, checkTimes: number): TransactionContext {
  return {
    flow,
    topic: message.topic,
    tags: message.tags,
    keys: message.keys,
    msgId: message.uniqKey,
    transactionId: message.transactionId,
    properties: message.userProperties,
    checkTimes,
    message,
  };
}
