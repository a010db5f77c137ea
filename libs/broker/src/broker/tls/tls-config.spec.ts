import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { RemotingCommand, RequestCode, ResponseCode } from '@app/rocketmq/protocol';
import { RemotingConnection, RemotingServer } from '@app/rocketmq/remoting';
import { opensslAvailable, selfSignedCertificate } from './self-signed-certificate.js';
import { parseTlsProperties, readTlsSettings, remotingServerTls, remotingServerTlsFromProperties, TlsConfigError } from './tls-config.js';

const describeWithOpenssl = opensslAvailable() ? describe : describe.skip;

describe('TLS settings', () => {
  it('reads Apache keys with Apache defaults', () => {
    expect(readTlsSettings({})).toEqual({ mode: 'permissive', testMode: true, needClientAuth: 'none' });
    const text = '# tls.properties\ntls.server.mode=enforcing\ntls.server.certPath = /etc/c.pem\ntls.server.keyPath: /etc/k.pem\ntls.server.need.client.auth=require\ntls.test.mode.enable=false\n';
    expect(readTlsSettings(parseTlsProperties(text))).toEqual({
      mode: 'enforcing',
      testMode: false,
      certPath: '/etc/c.pem',
      keyPath: '/etc/k.pem',
      needClientAuth: 'require',
    });
  });

  it('refuses unknown modes and half-given certificates', () => {
    expect(() => readTlsSettings({ 'tls.server.mode': 'strict' })).toThrow(TlsConfigError);
    expect(() => remotingServerTls(readTlsSettings({ 'tls.server.certPath': '/x' }))).toThrow(/set together/);
    expect(() => remotingServerTls(readTlsSettings({ 'tls.test.mode.enable': 'false' }))).toThrow(/neither/);
    expect(remotingServerTls(readTlsSettings({ 'tls.server.mode': 'disabled' }))).toBeUndefined();
  });
});

describeWithOpenssl('TLS on the remoting port', () => {
  let dir: string;
  let server: RemotingServer | undefined;
  const open: RemotingConnection[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-tls-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await server?.close();
    server = undefined;
  });

  async function serve(mode: 'permissive' | 'enforcing'): Promise<string> {
    server = new RemotingServer({ tls: remotingServerTlsFromProperties({ 'tls.server.mode': mode }, { selfSignedDir: dir }) });
    server.registerProcessor(RequestCode.GET_BROKER_RUNTIME_INFO, (request) => RemotingCommand.response(request, ResponseCode.SUCCESS, 'pong'));
    return `127.0.0.1:${(await server.listen()).port}`;
  }

  async function ping(addr: string, tls: boolean): Promise<RemotingCommand> {
    const connection = await RemotingConnection.connect(addr, { tls });
    open.push(connection);
    return connection.invoke(RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO), 2000);
  }

  it('creates the self-signed certificate once and reuses it', () => {
    const first = selfSignedCertificate(dir);
    const second = selfSignedCertificate(dir);
    expect(first.cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(second.cert.equals(first.cert)).toBe(true);
  });

  it('permissive mode serves a TLS client and a plaintext client on the same port', async () => {
    const addr = await serve('permissive');
    expect((await ping(addr, true)).remark).toBe('pong');
    expect((await ping(addr, false)).remark).toBe('pong');
    const secure = open[0]!.socket as import('node:tls').TLSSocket;
    expect(secure.encrypted).toBe(true);
  });

  it('enforcing mode serves TLS and closes plaintext connections', async () => {
    const addr = await serve('enforcing');
    expect((await ping(addr, true)).remark).toBe('pong');
    await expect(ping(addr, false)).rejects.toThrow(/closed|reset|ECONNRESET/i);
  });
});
