/**
 * ACL 1.0 checks in Apache 4.9.8's order (`PlainPermissionManager.validate` / `checkPerm`): global white list →
 * pass; no AccessKey → fail; unknown key → fail; account white list → pass; signature → fail on mismatch;
 * a PUB on RMQ_SYS_TRACE_TOPIC → pass; admin-only codes; then every needed resource against the account's explicit
 * or default permissions (DENY wins).
 */
import { createHmac } from 'node:crypto';
import type { RemotingCommand } from '@app/rocketmq/protocol';
import { AclError } from './acl-error.js';
import { isRetryTopic, parseAccessResource, sameSignature, signedContent, UNIQUE_KEY_QUERY_FLAG, type AccessResource } from './access-resource.js';
import { ADMIN_CODES, checkPermission, Permission, RETRY_PREFIX } from './permission.js';
import { compilePlainAcl, type CompiledAcl, type PlainAccount, type PlainAclConfig } from './plain-acl-config.js';

const TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';

export function hmacSha1Base64(data: Buffer, secretKey: string): string {
  return createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(data).digest('base64');
}

function printResource(resource: string, isGroup: boolean): string {
  return isGroup ? `group:${resource.slice(RETRY_PREFIX.length)}` : `topic:${resource}`;
}

export class PlainAccessValidator {
  private acl: CompiledAcl;

  constructor(config: PlainAclConfig) {
    this.acl = compilePlainAcl(config);
  }

  /** Replaces the accounts (file reload); a bad config throws and the previous one stays. */
  update(config: PlainAclConfig): void {
    this.acl = compilePlainAcl(config);
  }

  get accountCount(): number {
    return this.acl.accounts.size;
  }

  /** Throws AclError when the request must be refused. */
  validate(request: RemotingCommand, remoteIp: string): void {
    this.check(parseAccessResource(request, remoteIp));
  }

  check(resource: AccessResource): void {
    if (this.acl.globalWhiteRemoteAddresses.some((match) => match(resource.remoteIp))) return;
    if (resource.accessKey === undefined) throw new AclError('No accessKey is configured', 'validate-no-key');
    const account = this.acl.accounts.get(resource.accessKey);
    if (!account) throw new AclError(`No acl config for ${resource.accessKey}`, 'validate-unknown-key');
    if (account.whiteRemoteAddress(resource.remoteIp)) return;
    if (!this.signatureMatches(resource, account)) {
      throw new AclError(`Check signature failed for accessKey=${resource.accessKey}`, 'validate-signature');
    }
    if (resource.needed.get(TRACE_TOPIC) === Permission.PUB) return;
    this.checkPerm(resource, account);
  }

  /**
   * Apache 4.9 leaves `_UNIQUE_KEY_QUERY` out of the signed content while its own 4.9.8 client (and ours) sign it;
   * both forms are accepted, since either proves knowledge of the secret over every other field.
   */
  private signatureMatches(resource: AccessResource, account: PlainAccount): boolean {
    const ext = resource.extFields ?? {};
    const expected = hmacSha1Base64(signedContent(ext, resource.body), account.secretKey);
    if (sameSignature(expected, resource.signature)) return true;
    if (ext[UNIQUE_KEY_QUERY_FLAG] === undefined) return false;
    return sameSignature(hmacSha1Base64(signedContent(ext, resource.body, true), account.secretKey), resource.signature);
  }

  private checkPerm(needed: AccessResource, owned: PlainAccount): void {
    if (ADMIN_CODES.has(needed.requestCode) && !owned.admin) {
      throw new AclError(`Need admin permission for request code=${needed.requestCode}, but accessKey=${owned.accessKey} is not`, 'check-admin');
    }
    if (needed.needed.size === 0) return;
    if (!owned.resourcePerms && owned.admin) return;
    for (const [resource, perm] of needed.needed) {
      const isGroup = isRetryTopic(resource);
      const explicit = owned.resourcePerms?.get(resource);
      if (explicit === undefined) {
        const def = isGroup ? owned.defaultGroupPerm : owned.defaultTopicPerm;
        if (!checkPermission(perm, def)) throw new AclError(`No default permission for ${printResource(resource, isGroup)}`, 'check-perm-default');
        continue;
      }
      if (!checkPermission(perm, explicit)) throw new AclError(`No default permission for ${printResource(resource, isGroup)}`, 'check-perm');
    }
  }
}
