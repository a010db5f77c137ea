/**
 * ConsumerConnection: GET_CONSUMER_CONNECTION_LIST response body (`body/ConsumerConnection.java`, `Connection.java`).
 * Lives here rather than in protocol/body because only the admin client reads it.
 */
import { parseBody, arr, asObject, mapEntries, num, optStr, str } from '../../protocol/body/json-fields.js';
import { subscriptionDataFromJson, type ConsumeFromWhere, type ConsumeType, type MessageModel, type SubscriptionData } from '../../protocol/body/heartbeat-data.js';

export interface ConsumerClientConnection {
  clientId: string;
  /** `ip:port` as the broker sees the client. */
  clientAddr: string;
  /** LanguageCode name, e.g. `JAVA`. */
  language: string;
  /** MQVersion ordinal the client reported. */
  version: number;
}

export interface ConsumerConnection {
  connections: ConsumerClientConnection[];
  /** topic → subscription. */
  subscriptions: Record<string, SubscriptionData>;
  consumeType: ConsumeType | undefined;
  messageModel: MessageModel | undefined;
  consumeFromWhere: ConsumeFromWhere | undefined;
}

const WHAT = 'ConsumerConnection';

export function decodeConsumerConnection(body: Buffer | string): ConsumerConnection {
  const o = parseBody(WHAT, body);
  const connections = arr(WHAT, o, 'connectionSet').map((v) => {
    const c = asObject(WHAT, 'connectionSet', v);
    return {
      clientId: str(WHAT, c, 'clientId'),
      clientAddr: str(WHAT, c, 'clientAddr'),
      language: str(WHAT, c, 'language'),
      version: num(WHAT, c, 'version'),
    };
  });
  connections.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  const subscriptions: Record<string, SubscriptionData> = {};
  for (const [topic, sd] of mapEntries(WHAT, o, 'subscriptionTable')) subscriptions[String(topic)] = subscriptionDataFromJson(sd, WHAT);
  return {
    connections,
    subscriptions,
    consumeType: optStr(WHAT, o, 'consumeType') as ConsumeType | undefined,
    messageModel: optStr(WHAT, o, 'messageModel') as MessageModel | undefined,
    consumeFromWhere: optStr(WHAT, o, 'consumeFromWhere') as ConsumeFromWhere | undefined,
  };
}

/** Connections of several brokers for one group, each client once (a client heartbeats to every broker). */
export function mergeConsumerConnections(parts: readonly ConsumerConnection[]): ConsumerConnection {
  const byClient = new Map<string, ConsumerClientConnection>();
  const subscriptions: Record<string, SubscriptionData> = {};
  let consumeType: ConsumeType | undefined;
  let messageModel: MessageModel | undefined;
  let consumeFromWhere: ConsumeFromWhere | undefined;
  for (const part of parts) {
    for (const c of part.connections) if (!byClient.has(c.clientId)) byClient.set(c.clientId, c);
    for (const [topic, sd] of Object.entries(part.subscriptions)) {
      const known = subscriptions[topic];
      if (!known || sd.subVersion > known.subVersion) subscriptions[topic] = sd;
    }
    consumeType ??= part.consumeType;
    messageModel ??= part.messageModel;
    consumeFromWhere ??= part.consumeFromWhere;
  }
  const connections = [...byClient.values()].sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
  return { connections, subscriptions, consumeType, messageModel, consumeFromWhere };
}
