import { afterEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import net from 'node:net';
import { RocketMQConnectionError, RocketMQProtocolError, RocketMQTimeoutError } from '../protocol/errors.js';
import { encodeCommand, RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { aclRpcHook, computeAclSignature } from './acl-signer.js';
import { RemotingClient } from './remoting-client.js';
import { RemotingConnection } from './remoting-connection.js';
import { RemotingServer } from './remoting-server.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function echoServer(): Promise<{ server: RemotingServer; addr: string }> {
  const server = new RemotingServer();
  server.registerProcessor(RequestCode.HEART_BEAT, (request) =>
    RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, { echo: request.ext('value') ?? '' }, request.body),
  );
  const address = await server.listen();
  cleanups.push(() => server.close());
  return { server, addr: `127.0.0.1:${address.port}` };
}

/** A raw TCP server whose behaviour each test scripts, to produce bad input. */
async function rawServer(onSocket: (socket: net.Socket) => void): Promise<string> {
  const server = net.createServer(onSocket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => sockets.add(s));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

async function connect(addr: string): Promise<RemotingConnection> {
  const connection = await RemotingConnection.connect(addr);
  cleanups.push(() => connection.close());
  return connection;
}

describe('request and response over a real socket', () => {
  it('matches responses to requests by opaque, many in flight at once', async () => {
    const { addr } = await echoServer();
    const connection = await connect(addr);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) => connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT, { value: String(i) }, Buffer.from(`body-${i}`)), 3000)),
    );
    responses.forEach((response, i) => {
      expect(response.code).toBe(ResponseCode.SUCCESS);
      expect(response.ext('echo')).toBe(String(i));
      expect(response.body?.toString()).toBe(`body-${i}`);
    });
    expect(connection.inFlightCount).toBe(0);
  });

  it('answers an unknown request code with REQUEST_CODE_NOT_SUPPORTED', async () => {
    const { addr } = await echoServer();
    const connection = await connect(addr);
    const response = await connection.invoke(RemotingCommand.request(9999), 3000);
    expect(response.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(response.remark).toContain('9999');
  });

  it('sends one-way requests with the one-way flag and expects nothing back', async () => {
    const received: RemotingCommand[] = [];
    const server = new RemotingServer();
    server.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, (request) => {
      received.push(request);
      return RemotingCommand.response(request, ResponseCode.SUCCESS);
    });
    const { port } = await server.listen();
    cleanups.push(() => server.close());
    const connection = await connect(`127.0.0.1:${port}`);
    await connection.invokeOneway(RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, { commitOffset: '5' }));
    const ping = await connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 3000);
    expect(ping.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(received).toHaveLength(1);
    expect(received[0]!.isOneway).toBe(true);
    expect(connection.inFlightCount).toBe(0);
  });

  it('serves requests the server pushes to the client (NOTIFY_CONSUMER_IDS_CHANGED, GET_CONSUMER_RUNNING_INFO)', async () => {
    const server = new RemotingServer();
    const { port } = await server.listen();
    cleanups.push(() => server.close());
    const client = new RemotingClient();
    cleanups.push(() => client.close());
    const notified: string[] = [];
    client.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
      notified.push(request.ext('consumerGroup')!);
      return undefined;
    });
    client.registerProcessor(RequestCode.GET_CONSUMER_RUNNING_INFO, (request) =>
      RemotingCommand.response(request, ResponseCode.SUCCESS, undefined, undefined, Buffer.from('{"properties":{}}')),
    );
    await client.invoke(`127.0.0.1:${port}`, RemotingCommand.request(RequestCode.HEART_BEAT), 3000);
    const [serverSide] = [...server.activeConnections];
    await serverSide!.invokeOneway(RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: 'cg' }));
    const info = await serverSide!.invoke(RemotingCommand.request(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'cg', clientId: 'x' }), 3000);
    expect(info.code).toBe(ResponseCode.SUCCESS);
    expect(info.body?.toString()).toBe('{"properties":{}}');
    const unsupported = await serverSide!.invoke(RemotingCommand.request(RequestCode.RESET_CONSUMER_CLIENT_OFFSET), 3000);
    expect(unsupported.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    expect(notified).toEqual(['cg']);
  });

  it('reconnects on the next request after the server dropped the connection', async () => {
    const { server, addr } = await echoServer();
    const client = new RemotingClient();
    cleanups.push(() => client.close());
    expect((await client.invoke(addr, RemotingCommand.request(RequestCode.HEART_BEAT, { value: 'a' }), 3000)).ext('echo')).toBe('a');
    const [serverSide] = [...server.activeConnections];
    const first = await client.connection(addr);
    const closed = once(first, 'close');
    serverSide!.destroy();
    await closed;
    expect((await client.invoke(addr, RemotingCommand.request(RequestCode.HEART_BEAT, { value: 'b' }), 3000)).ext('echo')).toBe('b');
    expect(await client.connection(addr)).not.toBe(first);
  });
});

describe('bad input and failures give typed errors and a clean close', () => {
  it('times out a request the server never answers, and a late answer is dropped', async () => {
    const addr = await rawServer(() => undefined);
    const connection = await connect(addr);
    const started = Date.now();
    await expect(connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 200)).rejects.toThrow(RocketMQTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(connection.inFlightCount).toBe(0);
  });

  it('closes the connection on a frame over 16 MiB and rejects what was in flight', async () => {
    const addr = await rawServer((socket) => {
      const head = Buffer.alloc(8);
      head.writeInt32BE(16 * 1024 * 1024 + 10, 0);
      socket.write(head);
    });
    const connection = await connect(addr);
    const pending = connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 5000);
    await expect(pending).rejects.toThrow(RocketMQProtocolError);
    await expect(pending).rejects.toThrow(/exceeds the maximum/);
    expect(connection.closed).toBe(true);
  });

  it('rejects with a protocol error when the server closes in the middle of a frame', async () => {
    const addr = await rawServer((socket) => {
      socket.once('data', () => {
        const frame = encodeCommand(RemotingCommand.request(0, { a: 'b' }, Buffer.alloc(100)));
        socket.end(frame.subarray(0, 50));
      });
    });
    const connection = await connect(addr);
    await expect(connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 5000)).rejects.toThrow(/middle of a frame/);
  });

  it('closes the connection when the header is not valid JSON', async () => {
    const addr = await rawServer((socket) => {
      socket.once('data', () => {
        const header = Buffer.from('{not json');
        const frame = Buffer.alloc(8 + header.length);
        frame.writeInt32BE(4 + header.length, 0);
        frame.writeInt32BE(header.length, 4);
        header.copy(frame, 8);
        socket.write(frame);
      });
    });
    const connection = await connect(addr);
    await expect(connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 5000)).rejects.toThrow(/not valid JSON/);
    expect(connection.closed).toBe(true);
  });

  it('passes an unknown response code through to the caller, who decides', async () => {
    const addr = await rawServer((socket) => {
      socket.once('data', (data) => {
        const opaque = JSON.parse(data.subarray(8).toString()).opaque as number;
        socket.write(encodeCommand(new RemotingCommand(12345, opaque, 1, undefined, undefined, 'odd')));
      });
    });
    const connection = await connect(addr);
    const response = await connection.invoke(RemotingCommand.request(RequestCode.HEART_BEAT), 3000);
    expect(response.code).toBe(12345);
  });

  it('fails to connect with a connection error naming the address', async () => {
    const addr = await rawServer(() => undefined);
    cleanups.pop()!(); // close the server: nothing listens there now
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(RemotingConnection.connect(addr)).rejects.toThrow(RocketMQConnectionError);
    await expect(RemotingConnection.connect(addr)).rejects.toThrow(addr);
  });
});

describe('ACL 1.0 signing', () => {
  it('signs the sorted ext values and the body with HMAC-SHA1, as AclClientRPCHook does', () => {
    // Expected value from openssl: printf 'AKbT1body' | openssl dgst -sha1 -hmac 12345678 -binary | base64
    // (values ordered by key: AccessKey, a, topic; then the body).
    const ext = { topic: 'T1', AccessKey: 'AK', a: 'b' };
    expect(computeAclSignature(ext, Buffer.from('body'), '12345678')).toBe('fRXy95o29vV+IvnyMY1RiWd71hc=');
  });

  it('adds AccessKey and Signature to every request sent through the hook', async () => {
    const seen: RemotingCommand[] = [];
    const server = new RemotingServer();
    server.registerProcessor(RequestCode.HEART_BEAT, (request) => {
      seen.push(request);
      return RemotingCommand.response(request, ResponseCode.SUCCESS);
    });
    const { port } = await server.listen();
    cleanups.push(() => server.close());
    const client = new RemotingClient({ rpcHook: aclRpcHook({ accessKey: 'rocketmq2', secretKey: '12345678' }) });
    cleanups.push(() => client.close());
    await client.invoke(`127.0.0.1:${port}`, RemotingCommand.request(RequestCode.HEART_BEAT, { x: '1' }, Buffer.from('{}')), 3000);
    const ext = seen[0]!.extFields!;
    expect(ext.AccessKey).toBe('rocketmq2');
    expect(ext.Signature).toBe(computeAclSignature({ AccessKey: 'rocketmq2', x: '1' }, Buffer.from('{}'), '12345678'));
  });
});
