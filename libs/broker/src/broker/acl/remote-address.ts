/**
 * White-list address patterns of plain_acl.yml (`RemoteAddressStrategyFactory`, 4.9.8): blank (matches nothing),
 * `*` / `*.*.*.*` (everything), one address, comma lists, `a.b.c.{1,2,3}` sets, and ranges with `*` or `n-m`
 * in the trailing parts (`192.168.1.*`, `192.168.*.*`, `192.168.1.10-20`), IPv6 alike with hex groups.
 */
import net from 'node:net';
import { AclConfigError } from './acl-error.js';

export type AddressMatcher = (ip: string) => boolean;

/** Java `AclUtils.expandIP(address, 8)`: upper-case, `::` expanded, every group four digits. */
export function expandIpv6(address: string, parts = 8): string {
  let a = address.toUpperCase();
  const colons = (a.match(/:/g) ?? []).length;
  const pad = parts - colons;
  if (pad > 0 && a.includes('::')) a = a.replace('::', ':'.repeat(pad + 1));
  return a
    .split(':')
    .map((g) => g.padStart(4, '0'))
    .join(':');
}

function normalizeIp(ip: string): string {
  return net.isIPv6(ip) ? expandIpv6(ip) : ip;
}

function checkIp(address: string): string {
  if (!net.isIP(address)) throw new AclConfigError(`Netaddress examine Exception netaddress is ${address}`);
  return normalizeIp(address);
}

interface Range {
  start: number;
  end: number;
}

function parseRangePart(value: string, hex: boolean): Range | undefined {
  const max = hex ? 0xffff : 255;
  if (value === '*') return { start: 0, end: max };
  if (value.includes('-')) {
    const [a, b] = value.split('-');
    const start = Number.parseInt(a ?? '', hex ? 16 : 10);
    const end = Number.parseInt(b ?? '', hex ? 16 : 10);
    if (!(start >= 0 && end <= max && start <= end)) {
      throw new AclConfigError(`RangeRemoteAddressStrategy netaddress examine scope Exception start is ${start} , end is ${end}`);
    }
    return { start, end };
  }
  return undefined;
}

/** `a.b.c.*`, `a.b.*.*`, `a.*.*.*`, `a.b.c.1-10` and IPv6 equivalents: a fixed head, then one range, then `*`s. */
function rangeMatcher(pattern: string): AddressMatcher {
  const v6 = pattern.includes(':');
  const parts = v6 ? expandIpv6(pattern.replace(/\*$/, '0'), 8).split(':') : pattern.split('.');
  const raw = v6 ? pattern.split(':') : parts;
  if (!v6 && parts.length !== 4) throw new AclConfigError(`Netaddress examine scope Exception netaddress is ${pattern}`);
  const rawParts = v6 ? raw.filter((p) => p !== '') : raw;
  const index = rawParts.findIndex((p) => p === '*' || p.includes('-'));
  if (index <= 0) throw new AclConfigError(`Netaddress examine scope Exception netaddress is ${pattern}`);
  const range = parseRangePart(rawParts[index]!.trim(), v6)!;
  const head = rawParts.slice(0, index).map((p) => p.trim());
  for (const rest of rawParts.slice(index + 1)) {
    if (rest.trim() !== '*') throw new AclConfigError(`Netaddress examine scope Exception netaddress is ${pattern}`);
  }
  if (!v6) {
    for (const h of head) {
      const n = Number(h);
      if (!(Number.isInteger(n) && n >= 0 && n <= 255)) throw new AclConfigError(`Netaddress examine scope Exception netaddress is ${pattern}`);
    }
    return (ip) => {
      if (!net.isIPv4(ip)) return false;
      const octets = ip.split('.');
      if (!head.every((h, i) => Number(octets[i]) === Number(h))) return false;
      const value = Number(octets[index]);
      return value >= range.start && value <= range.end;
    };
  }
  const headGroups = head.map((g) => g.toUpperCase().padStart(4, '0'));
  return (ip) => {
    if (!net.isIPv6(ip)) return false;
    const groups = expandIpv6(ip).split(':');
    if (!headGroups.every((g, i) => groups[i] === g)) return false;
    const value = Number.parseInt(groups[index] ?? '', 16);
    return value >= range.start && value <= range.end;
  };
}

/** A matcher for one whiteRemoteAddress / globalWhiteRemoteAddresses entry; throws AclConfigError on a bad pattern. */
export function addressMatcher(pattern: string | null | undefined): AddressMatcher {
  const p = pattern?.trim() ?? '';
  if (p === '') return () => false;
  if (p === '*' || p === '*.*.*.*' || p === '*:*:*:*:*:*:*:*') return () => true;
  if (p.endsWith('}')) {
    const open = p.lastIndexOf('{');
    const sep = p.includes(':') ? ':' : '.';
    if (open < 0 || p[open - 1] !== sep) throw new AclConfigError(`MultipleRemoteAddressStrategy netaddress examine scope Exception netaddress ${p}`);
    const prefix = p.slice(0, open);
    const set = new Set(
      p
        .slice(open + 1, -1)
        .split(',')
        .map((s) => checkIp(prefix + s.trim())),
    );
    return (ip) => set.has(normalizeIp(ip));
  }
  if (p.includes(',')) {
    const set = new Set(p.split(',').map((s) => checkIp(s.trim())));
    return (ip) => set.has(normalizeIp(ip));
  }
  if (p.includes('*') || p.includes('-')) return rangeMatcher(p);
  const one = checkIp(p);
  return (ip) => normalizeIp(ip) === one;
}

/** The client IP of a connection address `ip:port` (`[v6]:port`, IPv4-mapped IPv6 reduced to IPv4). */
export function clientIp(addr: string): string {
  let host = addr;
  const bracket = /^\[(.*)\]:\d+$/.exec(addr);
  if (bracket) host = bracket[1]!;
  else if (addr.lastIndexOf(':') > 0) host = addr.slice(0, addr.lastIndexOf(':'));
  if (host.toLowerCase().startsWith('::ffff:') && net.isIPv4(host.slice(7))) host = host.slice(7);
  return host;
}
