/**
 * The broker's TLS settings from Apache's keys (`TlsSystemConfig`, usually in `tls.properties` or as system
 * properties) and the `RemotingServer` `tls` option built from them.
 *
 * | key | default | |
 * |---|---|---|
 * | tls.server.mode | permissive | `disabled` (no TLS), `permissive` (TLS and plaintext on one port), `enforcing` (TLS only) |
 * | tls.test.mode.enable | true | without a certificate, use a self-signed one (openssl CLI) |
 * | tls.server.certPath / tls.server.keyPath | | PEM certificate chain and private key |
 * | tls.server.keyPassword | | passphrase of the key |
 * | tls.server.trustCertPath | | PEM CA bundle clients' certificates are checked against |
 * | tls.server.need.client.auth | none | `none`, `optional` or `require` |
 */
import fs from 'node:fs';
import type tls from 'node:tls';
import type { RemotingServerOptions } from '@app/rocketmq/remoting';
import { selfSignedCertificate } from './self-signed-certificate.js';

export type TlsMode = 'disabled' | 'permissive' | 'enforcing';
export type ClientAuth = 'none' | 'optional' | 'require';

export interface TlsServerSettings {
  mode: TlsMode;
  testMode: boolean;
  certPath?: string;
  keyPath?: string;
  keyPassword?: string;
  trustCertPath?: string;
  needClientAuth: ClientAuth;
}

export class TlsConfigError extends Error {
  override name = 'TlsConfigError';
}

/** Java `Properties` text (`key=value`, `key: value`, `#`/`!` comments) as a record. */
export function parseTlsProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) out[match[1]!] = match[2]!.trim();
  }
  return out;
}

/** Reads a tls.properties file (Apache's default location is /etc/rocketmq/tls.properties). */
export function loadTlsProperties(file: string): Record<string, string> {
  return parseTlsProperties(fs.readFileSync(file, 'utf8'));
}

/** Settings from Apache's keys; unknown values raise TlsConfigError naming the key. */
export function readTlsSettings(properties: Readonly<Record<string, string | undefined>>): TlsServerSettings {
  const mode = (properties['tls.server.mode'] ?? 'permissive').trim().toLowerCase();
  if (mode !== 'disabled' && mode !== 'permissive' && mode !== 'enforcing') {
    throw new TlsConfigError(`tls.server.mode is "${mode}"; use disabled, permissive or enforcing`);
  }
  const auth = (properties['tls.server.need.client.auth'] ?? 'none').trim().toLowerCase();
  if (auth !== 'none' && auth !== 'optional' && auth !== 'require') {
    throw new TlsConfigError(`tls.server.need.client.auth is "${auth}"; use none, optional or require`);
  }
  const text = (key: string): string | undefined => {
    const v = properties[key]?.trim();
    return v ? v : undefined;
  };
  return {
    mode,
    testMode: (properties['tls.test.mode.enable'] ?? 'true').trim() === 'true',
    certPath: text('tls.server.certPath'),
    keyPath: text('tls.server.keyPath'),
    keyPassword: text('tls.server.keyPassword'),
    trustCertPath: text('tls.server.trustCertPath'),
    needClientAuth: auth,
  };
}

export interface RemotingTlsOptions {
  /** Where the self-signed certificate of test mode is kept (default `<tmp>/rocketmq-embedded-tls`). */
  selfSignedDir?: string;
}

/**
 * The `tls` option of RemotingServer for these settings, or undefined when TLS is disabled. Without certPath/keyPath
 * test mode uses a self-signed certificate; with test mode off they are required.
 * Note: client authentication (`requestCert` / `rejectUnauthorized`) is passed along, but takes effect only if
 * RemotingServer hands those options to the TLSSocket it creates.
 */
export function remotingServerTls(settings: TlsServerSettings, options: RemotingTlsOptions = {}): RemotingServerOptions['tls'] {
  if (settings.mode === 'disabled') return undefined;
  let cert: Buffer;
  let key: Buffer;
  if (settings.certPath || settings.keyPath) {
    if (!settings.certPath || !settings.keyPath) throw new TlsConfigError('tls.server.certPath and tls.server.keyPath must be set together');
    try {
      cert = fs.readFileSync(settings.certPath);
      key = fs.readFileSync(settings.keyPath);
    } catch (error) {
      throw new TlsConfigError(`cannot read the TLS certificate or key: ${(error as Error).message}`);
    }
  } else if (settings.testMode) {
    ({ cert, key } = selfSignedCertificate(options.selfSignedDir));
  } else {
    throw new TlsConfigError('TLS is on but neither tls.server.certPath/keyPath nor tls.test.mode.enable=true is set');
  }
  const secure: tls.SecureContextOptions & tls.TlsOptions = { cert, key };
  if (settings.keyPassword) secure.passphrase = settings.keyPassword;
  if (settings.trustCertPath) secure.ca = fs.readFileSync(settings.trustCertPath);
  if (settings.needClientAuth !== 'none') {
    secure.requestCert = true;
    secure.rejectUnauthorized = settings.needClientAuth === 'require';
  }
  return { mode: settings.mode, options: secure };
}

/** Shortcut: properties → RemotingServer `tls` option. */
export function remotingServerTlsFromProperties(properties: Readonly<Record<string, string | undefined>>, options?: RemotingTlsOptions): RemotingServerOptions['tls'] {
  return remotingServerTls(readTlsSettings(properties), options);
}
