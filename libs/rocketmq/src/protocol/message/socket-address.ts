/**
 * Socket addresses as the stored-message record and the offset msgId carry them: the IPv4 (4 bytes) or IPv6
 * (16 bytes) address followed by an int32 port. As strings: `a.b.c.d:port` or `[v6]:port`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RocketMQClientError } from '../errors.js';

/** Parse an IPv6 address text (incl. `::` and an embedded IPv4 tail, zone id dropped) into 16 bytes. */
function ipv6Bytes(text: string, out: Buffer, offset: number): void {
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const groups: number[] = [];
  const parseGroups = (part: string): number[] => {
    if (part === '') return [];
    const res: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        const p = g.split('.').map(Number);
        res.push((p[0]! << 8) | p[1]!, (p[2]! << 8) | p[3]!);
      } else {
        res.push(parseInt(g, 16));
      }
    }
    return res;
  };
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    const head = parseGroups(text.slice(0, dbl));
    const tail = parseGroups(text.slice(dbl + 2));
    groups.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    groups.push(...parseGroups(text));
  }
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i]! & 0xffff, offset + i * 2);
}

/** Split `host:port`, `[v6]:port` or Java's unbracketed `v6:port` (port after the last colon). */
export function splitHostPort(address: string): { host: string; port: number } {
  let host: string;
  let portText: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    host = address.slice(1, close);
    portText = address.slice(close + 2);
  } else {
    const colon = address.lastIndexOf(':');
    host = colon < 0 ? address : address.slice(0, colon);
    portText = colon < 0 ? '' : address.slice(colon + 1);
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RocketMQClientError(`Invalid socket address ${JSON.stringify(address)}: expected "ip:port" or "[ipv6]:port"`);
  }
  return { host, port };
}

/** Length of the encoded address (8 for IPv4, 20 for IPv6) of an `ip:port` string. */
export function socketAddressLength(address: string): 8 | 20 {
  return encodeSocketAddress(address).length === 8 ? 8 : 20;
}

/**
 * Encode `ip:port` into 8 (IPv4) or 20 (IPv6) bytes. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`, what Node
 * reports on dual-stack sockets) are stored as IPv4, as Java does.
 */
export function encodeSocketAddress(address: string): Buffer {
  let { host, port } = splitHostPort(address);
  if (host.toLowerCase().startsWith('::ffff:') && isIPv4(host.slice(7))) host = host.slice(7);
  if (isIPv4(host)) {
    const out = Buffer.allocUnsafe(8);
    const p = host.split('.');
    for (let i = 0; i < 4; i++) out[i] = Number(p[i]);
    out.writeInt32BE(port, 4);
    return out;
  }
  const bare = host.includes('%') ? host.slice(0, host.indexOf('%')) : host;
  if (!isIPv6(bare)) {
    throw new RocketMQClientError(`Invalid socket address ${JSON.stringify(address)}: the host must be an IP address`);
  }
  const out = Buffer.allocUnsafe(20);
  ipv6Bytes(bare, out, 0);
  out.writeInt32BE(port, 16);
  return out;
}

/** Format the address of `buf[offset, offset + 4|16)`; IPv6 is written in full lower-case groups like Java. */
export function formatIp(buf: Buffer, offset: number, v6: boolean): string {
  if (!v6) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i) s += ':';
    s += buf.readUInt16BE(offset + i * 2).toString(16);
  }
  return s;
}

/** Decode an 8- or 20-byte socket address at `offset` into `ip:port` / `[v6]:port`. */
export function decodeSocketAddress(buf: Buffer, offset: number, v6: boolean): string {
  const ip = formatIp(buf, offset, v6);
  const port = buf.readInt32BE(offset + (v6 ? 16 : 4));
  return v6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}
