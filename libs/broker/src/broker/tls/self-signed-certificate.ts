/**
 * A self-signed certificate for tests and the development default (Apache's `tls.test.mode.enable=true` uses one
 * too). Node cannot create X.509 certificates, so this runs the `openssl` command-line tool (OpenSSL 1.1.1 or
 * later, for `-addext`); the pair is written once into a directory and reused. Production brokers should be given
 * `tls.server.certPath` / `tls.server.keyPath` instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CertificatePair {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

export class OpensslUnavailableError extends Error {
  override name = 'OpensslUnavailableError';
}

/** Whether the `openssl` CLI can be run. */
export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The self-signed certificate in `dir` (default `<tmp>/rocketmq-embedded-tls`), created on first use: EC P-256,
 * CN=localhost, SAN localhost/127.0.0.1/::1, valid 10 years.
 */
export function selfSignedCertificate(dir: string = path.join(os.tmpdir(), 'rocketmq-embedded-tls')): CertificatePair {
  const certPath = path.join(dir, 'server.crt');
  const keyPath = path.join(dir, 'server.key');
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmpCert = `${certPath}.${process.pid}.tmp`;
    const tmpKey = `${keyPath}.${process.pid}.tmp`;
    try {
      execFileSync(
        'openssl',
        [
          'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', tmpKey, '-out', tmpCert, '-days', '3650',
          '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (error) {
      fs.rmSync(tmpCert, { force: true });
      fs.rmSync(tmpKey, { force: true });
      throw new OpensslUnavailableError(
        `could not create a self-signed certificate with the openssl CLI (${(error as Error).message.split('\n')[0]}); ` +
          'install openssl or set tls.server.certPath and tls.server.keyPath',
      );
    }
    fs.chmodSync(tmpKey, 0o600);
    fs.renameSync(tmpKey, keyPath);
    fs.renameSync(tmpCert, certPath);
  }
  return { certPath, keyPath, cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) };
}
