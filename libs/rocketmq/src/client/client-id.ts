import os from 'node:os';

/** The first non-internal IPv4 address, as Java's UtilAll.getIP prefers; loopback when there is none. */
export function localIp(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

let instanceCounter = 0;

/** A unique instance name per client, like Java's `<pid>#<nanoTime>` for the DEFAULT name. */
export function uniqueInstanceName(): string {
  instanceCounter += 1;
  return `${process.pid}#${process.hrtime.bigint()}${instanceCounter}`;
}

export function buildClientId(ip: string, instanceName: string): string {
  return `${ip}@${instanceName}`;
}
