import { describe, expect, it } from '@jest/globals';
import { AclConfigError } from './acl-error.js';
import { compilePlainAcl, parsePlainAclText } from './plain-acl-config.js';
import { Permission } from './permission.js';
import { addressMatcher, clientIp, expandIpv6 } from './remote-address.js';
import { parseYamlSubset } from './yaml-subset.js';

/** distribution/conf/plain_acl.yml of Apache RocketMQ 4.9.8, license header left out. */
const APACHE_SAMPLE = `
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.*

accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - topicA=DENY
      - topicB=PUB|SUB
      - topicC=SUB
    groupPerms:
      # the group should convert to retry topic
      - groupA=DENY
      - groupB=PUB|SUB
      - groupC=SUB

  - accessKey: rocketmq2
    secretKey: 12345678
    whiteRemoteAddress: 192.168.1.*
    # if it is admin, it could access all resources
    admin: true
`;

describe('plain_acl.yml', () => {
  it('reads Apache sample file with the built-in YAML subset', () => {
    const config = parsePlainAclText(APACHE_SAMPLE);
    expect(config.globalWhiteRemoteAddresses).toEqual(['10.10.103.*', '192.168.0.*']);
    expect(config.accounts).toEqual([
      {
        accessKey: 'RocketMQ',
        secretKey: '12345678',
        whiteRemoteAddress: null,
        admin: false,
        defaultTopicPerm: 'DENY',
        defaultGroupPerm: 'SUB',
        topicPerms: ['topicA=DENY', 'topicB=PUB|SUB', 'topicC=SUB'],
        groupPerms: ['groupA=DENY', 'groupB=PUB|SUB', 'groupC=SUB'],
      },
      expect.objectContaining({ accessKey: 'rocketmq2', whiteRemoteAddress: '192.168.1.*', admin: true, topicPerms: null }),
    ]);
  });

  it('reads the same structure as JSON', () => {
    const config = parsePlainAclText(JSON.stringify({ accounts: [{ accessKey: 'abcdefg1', secretKey: 'secret123', admin: true }] }));
    expect(config.accounts![0]).toMatchObject({ accessKey: 'abcdefg1', admin: true });
  });

  it('compiles group perms to retry topics and unknown perms to DENY', () => {
    const acl = compilePlainAcl(parsePlainAclText(APACHE_SAMPLE));
    const account = acl.accounts.get('RocketMQ')!;
    expect(account.resourcePerms!.get('%RETRY%groupB')).toBe(Permission.PUB | Permission.SUB);
    expect(account.resourcePerms!.get('topicA')).toBe(Permission.DENY);
    expect(account.defaultTopicPerm).toBe(Permission.DENY);
    expect(acl.accounts.get('rocketmq2')!.resourcePerms).toBeUndefined();
  });

  it('refuses keys of six characters or fewer with Apache message', () => {
    expect(() => compilePlainAcl({ accounts: [{ accessKey: 'short', secretKey: '12345678' }] })).toThrow(
      'The accessKey=short and secretKey=12345678 cannot be null and length should longer than 6',
    );
  });

  it('reports unsupported YAML with its line number', () => {
    expect(() => parseYamlSubset('accounts:\n  - accessKey: &a x\n')).toThrow(/line 2/);
    expect(() => parseYamlSubset('a: 1\n   b: 2\n')).toThrow(AclConfigError);
  });

  it('keeps quoted values and flow lists', () => {
    expect(parseYamlSubset(`a: "x # not a comment"\nb: [1.1.1.1, 2.2.2.2] # comment\nc: 'it''s'\n`)).toEqual({
      a: 'x # not a comment',
      b: ['1.1.1.1', '2.2.2.2'],
      c: "it's",
    });
  });
});

describe('white-list address patterns', () => {
  it('matches the forms Apache documents', () => {
    expect(addressMatcher('*')('1.2.3.4')).toBe(true);
    expect(addressMatcher('')('1.2.3.4')).toBe(false);
    expect(addressMatcher('192.168.0.1')('192.168.0.1')).toBe(true);
    expect(addressMatcher('192.168.0.1')('192.168.0.2')).toBe(false);
    expect(addressMatcher('192.168.1.*')('192.168.1.77')).toBe(true);
    expect(addressMatcher('192.168.1.*')('192.168.2.77')).toBe(false);
    expect(addressMatcher('192.168.*.*')('192.168.9.9')).toBe(true);
    expect(addressMatcher('192.168.1.10-20')('192.168.1.15')).toBe(true);
    expect(addressMatcher('192.168.1.10-20')('192.168.1.21')).toBe(false);
    expect(addressMatcher('192.168.1.{1,2,3}')('192.168.1.2')).toBe(true);
    expect(addressMatcher('192.168.1.{1,2,3}')('192.168.1.4')).toBe(false);
    expect(addressMatcher('10.0.0.1,10.0.0.2')('10.0.0.2')).toBe(true);
    expect(addressMatcher('::1')('0:0:0:0:0:0:0:1')).toBe(true);
  });

  it('refuses malformed patterns', () => {
    expect(() => addressMatcher('192.168.1.300-400')).toThrow(AclConfigError);
    expect(() => addressMatcher('not-an-ip')).toThrow(AclConfigError);
  });

  it('takes the IP from a connection address', () => {
    expect(clientIp('127.0.0.1:5555')).toBe('127.0.0.1');
    expect(clientIp('::ffff:10.0.0.1:5555')).toBe('10.0.0.1');
    expect(clientIp('[::1]:5555')).toBe('::1');
    expect(expandIpv6('2001:db8::1')).toBe('2001:0DB8:0000:0000:0000:0000:0000:0001');
  });
});
