/**
 * plain_acl.yml (ACL 1.0): the file's structure, loading it (YAML subset or JSON, chosen by content), and the
 * compiled form the validator checks requests against (`PlainPermissionManager.buildPlainAccessResource`).
 */
import fs from 'node:fs';
import { AclConfigError } from './acl-error.js';
import { parsePerm, parseResourcePerms } from './permission.js';
import { addressMatcher, type AddressMatcher } from './remote-address.js';
import { parseYamlSubset, type YamlValue } from './yaml-subset.js';

/** One account (`PlainAccessConfig`). */
export interface PlainAccessConfig {
  accessKey: string;
  secretKey: string;
  whiteRemoteAddress?: string | null;
  admin?: boolean;
  defaultTopicPerm?: string | null;
  defaultGroupPerm?: string | null;
  topicPerms?: string[] | null;
  groupPerms?: string[] | null;
}

/** The whole file. */
export interface PlainAclConfig {
  globalWhiteRemoteAddresses?: string[] | null;
  accounts?: PlainAccessConfig[] | null;
}

/** An account ready for checks. */
export interface PlainAccount {
  accessKey: string;
  secretKey: string;
  admin: boolean;
  whiteRemoteAddress: AddressMatcher;
  defaultTopicPerm: number;
  defaultGroupPerm: number;
  /** topic or `%RETRY%group` → permission bits; undefined when the account lists none (admin shortcut). */
  resourcePerms: Map<string, number> | undefined;
}

export interface CompiledAcl {
  globalWhiteRemoteAddresses: AddressMatcher[];
  accounts: Map<string, PlainAccount>;
}

function asString(v: YamlValue | unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new AclConfigError(`expected a text value, found ${JSON.stringify(v)}`);
}

function asStringList(v: YamlValue | unknown, what: string): string[] | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new AclConfigError(`${what} must be a list`);
  return v.map((x) => asString(x) ?? '').filter((s) => s !== '');
}

/** Turns parsed YAML/JSON into the typed structure, with the loose typing snakeyaml + fastjson allow. */
export function toPlainAclConfig(data: unknown): PlainAclConfig {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new AclConfigError('plain ACL config must be a mapping with globalWhiteRemoteAddresses and accounts');
  const o = data as Record<string, unknown>;
  const accounts = o['accounts'];
  if (accounts !== null && accounts !== undefined && !Array.isArray(accounts)) throw new AclConfigError('accounts must be a list');
  return {
    globalWhiteRemoteAddresses: asStringList(o['globalWhiteRemoteAddresses'], 'globalWhiteRemoteAddresses'),
    accounts: (accounts as unknown[] | undefined)?.map((a) => {
      if (a === null || typeof a !== 'object' || Array.isArray(a)) throw new AclConfigError('each account must be a mapping');
      const r = a as Record<string, unknown>;
      return {
        accessKey: asString(r['accessKey']) ?? '',
        secretKey: asString(r['secretKey']) ?? '',
        whiteRemoteAddress: asString(r['whiteRemoteAddress']),
        admin: asString(r['admin']) === 'true',
        defaultTopicPerm: asString(r['defaultTopicPerm']),
        defaultGroupPerm: asString(r['defaultGroupPerm']),
        topicPerms: asStringList(r['topicPerms'], 'topicPerms'),
        groupPerms: asStringList(r['groupPerms'], 'groupPerms'),
      };
    }),
  };
}

/** Parses file text: JSON when it starts with `{`, the YAML subset otherwise. */
export function parsePlainAclText(text: string): PlainAclConfig {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      return toPlainAclConfig(JSON.parse(trimmed));
    } catch (error) {
      if (error instanceof AclConfigError) throw error;
      throw new AclConfigError(`plain ACL JSON is malformed: ${(error as Error).message}`);
    }
  }
  return toPlainAclConfig(parseYamlSubset(text));
}

export function loadPlainAclFile(path: string): PlainAclConfig {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new AclConfigError(`cannot read the plain ACL file ${path}: ${(error as Error).message}`);
  }
  try {
    return parsePlainAclText(text);
  } catch (error) {
    throw new AclConfigError(`${path}: ${(error as Error).message}`);
  }
}

/** Checks and compiles the config; keys repeated later in the list are ignored, as Apache does across files. */
export function compilePlainAcl(config: PlainAclConfig): CompiledAcl {
  const accounts = new Map<string, PlainAccount>();
  for (const a of config.accounts ?? []) {
    if (!a.accessKey || !a.secretKey || a.accessKey.length <= 6 || a.secretKey.length <= 6) {
      throw new AclConfigError(`The accessKey=${a.accessKey} and secretKey=${a.secretKey} cannot be null and length should longer than 6`);
    }
    if (accounts.has(a.accessKey)) continue;
    let resourcePerms: Map<string, number> | undefined;
    if ((a.groupPerms?.length ?? 0) > 0 || (a.topicPerms?.length ?? 0) > 0) {
      resourcePerms = new Map();
      parseResourcePerms(a.groupPerms, false, resourcePerms);
      parseResourcePerms(a.topicPerms, true, resourcePerms);
    }
    accounts.set(a.accessKey, {
      accessKey: a.accessKey,
      secretKey: a.secretKey,
      admin: a.admin === true,
      whiteRemoteAddress: addressMatcher(a.whiteRemoteAddress),
      defaultTopicPerm: parsePerm(a.defaultTopicPerm),
      defaultGroupPerm: parsePerm(a.defaultGroupPerm),
      resourcePerms,
    });
  }
  return { globalWhiteRemoteAddresses: (config.globalWhiteRemoteAddresses ?? []).map(addressMatcher), accounts };
}
