/** ACL 1.0 permission bits and checks (`acl/common/Permission.java`, 4.9.8). */
import { RequestCode } from '@app/rocketmq/protocol';
import { AclConfigError } from './acl-error.js';

export const Permission = {
  DENY: 1,
  ANY: 2,
  PUB: 4,
  SUB: 8,
} as const;

/** Requests only `admin` accounts may send. */
export const ADMIN_CODES: ReadonlySet<number> = new Set([
  RequestCode.UPDATE_AND_CREATE_TOPIC,
  RequestCode.UPDATE_BROKER_CONFIG,
  RequestCode.DELETE_TOPIC_IN_BROKER,
  RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
  RequestCode.DELETE_SUBSCRIPTIONGROUP,
]);

/** `DENY`, `PUB`, `SUB`, `PUB|SUB` / `SUB|PUB`; anything else (or nothing) is DENY. */
export function parsePerm(text: string | null | undefined): number {
  switch (text?.trim()) {
    case 'PUB':
      return Permission.PUB;
    case 'SUB':
      return Permission.SUB;
    case 'PUB|SUB':
    case 'SUB|PUB':
      return Permission.PUB | Permission.SUB;
    default:
      return Permission.DENY;
  }
}

/** `Permission.checkPermission`: DENY wins; ANY needs PUB or SUB; otherwise the needed bit must be owned. */
export function checkPermission(needed: number, owned: number): boolean {
  if ((owned & Permission.DENY) !== 0) return false;
  if ((needed & Permission.ANY) !== 0) return (owned & (Permission.PUB | Permission.SUB)) !== 0;
  return (needed & owned) !== 0;
}

export const RETRY_PREFIX = '%RETRY%';

export function retryTopic(group: string): string {
  return RETRY_PREFIX + group;
}

/** `name=PERM` entries; group names become `%RETRY%group` (`Permission.parseResourcePerms`). */
export function parseResourcePerms(entries: readonly string[] | null | undefined, isTopic: boolean, into: Map<string, number>): void {
  for (const entry of entries ?? []) {
    const items = entry.split('=').filter((s) => s.length > 0);
    if (items.length !== 2) throw new AclConfigError(`Parse resource permission failed for ${isTopic ? 'topic' : 'group'}:${entry}`);
    const name = items[0]!.trim();
    into.set(isTopic ? name : retryTopic(name), parsePerm(items[1]));
  }
}
