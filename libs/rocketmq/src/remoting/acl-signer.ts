import { createHmac } from 'node:crypto';
import type { RemotingCommand } from '../protocol/remoting-command.js';
import type { RpcHook } from './remoting-connection.js';

export interface AclCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

export const ACL_ACCESS_KEY = 'AccessKey';
export const ACL_SIGNATURE = 'Signature';
export const ACL_SECURITY_TOKEN = 'SecurityToken';

/**
 * ACL 1.0 signature (AclClientRPCHook / AclUtils.combineRequestContent): the values of all ext
 * fields sorted by key, concatenated, then the body; HMAC-SHA1 with the secret key, Base64.
 * The broker rebuilds the same text, so no field may be added after signing.
 */
export function computeAclSignature(extFields: Record<string, string>, body: Buffer | undefined, secretKey: string): string {
  const hmac = createHmac('sha1', Buffer.from(secretKey, 'utf8'));
  // Java sorts with String.compareTo (UTF-16 order), which is JavaScript's default sort order.
  for (const key of Object.keys(extFields).sort()) {
    if (key === ACL_SIGNATURE) continue;
    hmac.update(extFields[key]!, 'utf8');
  }
  if (body && body.length > 0) hmac.update(body);
  return hmac.digest('base64');
}

/** An RPC hook that signs every outgoing request with the given credentials. */
export function aclRpcHook(credentials: AclCredentials): RpcHook {
  return (request: RemotingCommand) => {
    const ext = (request.extFields ??= {});
    ext[ACL_ACCESS_KEY] = credentials.accessKey;
    if (credentials.securityToken) ext[ACL_SECURITY_TOKEN] = credentials.securityToken;
    delete ext[ACL_SIGNATURE];
    ext[ACL_SIGNATURE] = computeAclSignature(ext, request.body, credentials.secretKey);
  };
}
