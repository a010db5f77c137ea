/**
 * What a request needs (`PlainAccessValidator.parse`, 4.9.8): the credentials it carries, the signed content, and
 * the topics / retry topics it touches with the permission each needs.
 */
import { createHash } from 'node:crypto';
import { decodeHeartbeatData, RequestCode, type RemotingCommand } from '@app/rocketmq/protocol';
import { ACL_ACCESS_KEY, ACL_SECURITY_TOKEN, ACL_SIGNATURE } from '@app/rocketmq/remoting';
import { AclError } from './acl-error.js';
import { Permission, RETRY_PREFIX, retryTopic } from './permission.js';

export const UNIQUE_KEY_QUERY_FLAG = '_UNIQUE_KEY_QUERY';

export interface AccessResource {
  requestCode: number;
  /** Client IP (port removed). */
  remoteIp: string;
  accessKey?: string;
  signature?: string;
  securityToken?: string;
  /** Resource (topic or `%RETRY%group`) → permission needed. */
  needed: Map<string, number>;
  extFields?: Record<string, string>;
  body?: Buffer;
}

function add(needed: Map<string, number>, resource: string | undefined, perm: number): void {
  if (resource !== undefined && resource !== null) needed.set(resource, perm);
}

export function isRetryTopic(topic: string | undefined): boolean {
  return topic !== undefined && topic.startsWith(RETRY_PREFIX);
}

export function parseAccessResource(request: RemotingCommand, remoteIp: string): AccessResource {
  const resource: AccessResource = { requestCode: request.code, remoteIp, needed: new Map(), body: request.body };
  const ext = request.extFields;
  if (!ext) return resource;
  resource.extFields = ext;
  resource.accessKey = ext[ACL_ACCESS_KEY];
  resource.signature = ext[ACL_SIGNATURE];
  resource.securityToken = ext[ACL_SECURITY_TOKEN];
  const needed = resource.needed;
  const group = (name: string): string | undefined => (ext[name] === undefined ? undefined : retryTopic(ext[name]!));
  try {
    switch (request.code) {
      case RequestCode.SEND_MESSAGE:
        // Apache reads `group` here, which the V1 send header does not have: a retry send then needs nothing.
        if (isRetryTopic(ext['topic'])) add(needed, group('group'), Permission.SUB);
        else add(needed, ext['topic'], Permission.PUB);
        break;
      case RequestCode.SEND_MESSAGE_V2:
      case RequestCode.SEND_BATCH_MESSAGE: {
        // Batches are not checked by Apache 4.9.8; we check them like SEND_MESSAGE_V2 (5.x does).
        const topic = ext['b'] ?? ext['topic'];
        if (isRetryTopic(topic)) add(needed, group('a') ?? group('producerGroup'), Permission.SUB);
        else add(needed, topic, Permission.PUB);
        break;
      }
      case RequestCode.CONSUMER_SEND_MSG_BACK:
        add(needed, group('group'), Permission.SUB);
        break;
      case RequestCode.PULL_MESSAGE:
        add(needed, ext['topic'], Permission.SUB);
        add(needed, group('consumerGroup'), Permission.SUB);
        break;
      case RequestCode.QUERY_MESSAGE:
        add(needed, ext['topic'], Permission.SUB);
        break;
      case RequestCode.HEART_BEAT: {
        const heartbeat = decodeHeartbeatData(request.body ?? Buffer.from('{}'));
        for (const consumer of heartbeat.consumerDataSet) {
          add(needed, retryTopic(consumer.groupName), Permission.SUB);
          for (const sd of consumer.subscriptionDataSet) add(needed, sd.topic, Permission.SUB);
        }
        break;
      }
      case RequestCode.UNREGISTER_CLIENT:
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
        add(needed, group('consumerGroup'), Permission.SUB);
        break;
      case RequestCode.UPDATE_CONSUMER_OFFSET:
        add(needed, group('consumerGroup'), Permission.SUB);
        add(needed, ext['topic'], Permission.SUB);
        break;
      default:
        break;
    }
  } catch (error) {
    throw new AclError((error as Error).message, 'parse');
  }
  return resource;
}

/**
 * The signed bytes: ext values sorted by key (Java String order = JS default sort), without `Signature`, and without
 * `_UNIQUE_KEY_QUERY` unless `withUniqueKeyFlag`; then the body.
 */
export function signedContent(ext: Readonly<Record<string, string>>, body: Buffer | undefined, withUniqueKeyFlag = false): Buffer {
  const text = Object.keys(ext)
    .sort()
    .filter((k) => k !== ACL_SIGNATURE && (withUniqueKeyFlag || k !== UNIQUE_KEY_QUERY_FLAG))
    .map((k) => ext[k])
    .join('');
  const head = Buffer.from(text, 'utf8');
  return body && body.length > 0 ? Buffer.concat([head, body]) : head;
}

/** Compares two Base64 signatures in constant time. */
export function sameSignature(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return ha.equals(hb) && a === b;
}
