/**
 * A refused request. Apache 4.9 throws `AclException` from the broker's RPC hook and the remoting layer answers
 * SYSTEM_ERROR with `RemotingHelper.exceptionSimpleDesc(e)`: the exception's toString plus its first stack frame.
 * `remark` reproduces that text so tools that show or match it see what an Apache broker sends.
 */
import { ResponseCode } from '@app/rocketmq/protocol';

/** Where Apache 4.9.8 throws each failure (`PlainPermissionManager.java` / `PlainAccessValidator.java` lines). */
export type AclFailureSite = 'validate-no-key' | 'validate-unknown-key' | 'validate-signature' | 'check-admin' | 'check-perm-default' | 'check-perm' | 'parse';

const FRAMES: Record<AclFailureSite, string> = {
  'validate-no-key': 'org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:664)',
  'validate-unknown-key': 'org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:668)',
  'validate-signature': 'org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:684)',
  'check-admin': 'org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:581)',
  'check-perm-default': 'org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:606)',
  'check-perm': 'org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:611)',
  parse: 'org.apache.rocketmq.acl.plain.PlainAccessValidator.parse(PlainAccessValidator.java:134)',
};

export class AclError extends Error {
  override name = 'AclError';
  /** Response code the broker answers with (SYSTEM_ERROR, as Apache 4.9's ACL 1.0). */
  readonly code = ResponseCode.SYSTEM_ERROR;

  constructor(
    message: string,
    readonly site: AclFailureSite,
  ) {
    super(message);
  }

  /** The response remark, as an Apache 4.9 broker writes it. */
  get remark(): string {
    return `org.apache.rocketmq.acl.common.AclException: ${this.message}, ${FRAMES[this.site]}`;
  }
}

/** A plain_acl.yml that cannot be used (bad keys, bad address patterns, bad permissions). */
export class AclConfigError extends Error {
  override name = 'AclConfigError';
}
