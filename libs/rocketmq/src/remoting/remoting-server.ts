import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { RemotingCommand } from '../protocol/remoting-command.js';
import { ResponseCode } from '../protocol/response-code.js';
import { silentLogger, type RocketMQLogger } from '../logger.js';
import { RemotingConnection, type RequestHandler } from './remoting-connection.js';

export interface RemotingServerOptions {
  host?: string;
  port?: number;
  logger?: RocketMQLogger;
  maxFrameBytes?: number;
  /**
   * TLS as Apache RocketMQ does it: on the same port, detected from the first byte (0x16 opens a
   * TLS handshake). `permissive` accepts both, `enforcing` closes plaintext connections.
   */
  tls?: { mode: 'permissive' | 'enforcing'; options: tls.SecureContextOptions & tls.TlsOptions };
}

/** Accepts connections and dispatches requests to processors registered by request code. */
export class RemotingServer {
  private readonly server: net.Server;
  private readonly processors = new Map<number, RequestHandler>();
  private defaultProcessor: RequestHandler | undefined;
  private readonly connections = new Set<RemotingConnection>();
  private readonly logger: RocketMQLogger;
  private readonly secureContext: tls.SecureContext | undefined;

  constructor(private readonly options: RemotingServerOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.secureContext = options.tls ? tls.createSecureContext(options.tls.options) : undefined;
    this.server = net.createServer((socket) => this.accept(socket));
  }

  registerProcessor(code: number, handler: RequestHandler): void {
    this.processors.set(code, handler);
  }

  /** Handles every code without a processor of its own (otherwise REQUEST_CODE_NOT_SUPPORTED). */
  registerDefaultProcessor(handler: RequestHandler): void {
    this.defaultProcessor = handler;
  }

  async listen(): Promise<AddressInfo> {
    this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1');
    await once(this.server, 'listening');
    return this.server.address() as AddressInfo;
  }

  get address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  get activeConnections(): ReadonlySet<RemotingConnection> {
    return this.connections;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.all([...this.connections].map((c) => c.close()));
    await closed;
  }

  private accept(socket: net.Socket): void {
    if (!this.options.tls) {
      this.adopt(socket);
      return;
    }
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first[0] === 0x16) {
        this.adopt(this.upgradeToTls(socket, first));
      } else if (this.options.tls?.mode === 'enforcing') {
        socket.destroy();
      } else {
        socket.unshift(first);
        this.adopt(socket);
        socket.resume();
      }
    });
  }

  /**
   * A TLSSocket built on a net.Socket reads from its handle and would miss the byte we already
   * read to detect TLS, so the TLS layer runs over a small duplex that replays it.
   */
  private upgradeToTls(socket: net.Socket, first: Buffer): tls.TLSSocket {
    const transport = new Duplex({
      read: () => socket.resume(),
      write: (chunk, _encoding, callback) => socket.write(chunk, callback),
      final: (callback) => socket.end(callback),
      destroy: (error, callback) => {
        socket.destroy(error ?? undefined);
        callback(error);
      },
    });
    transport.push(first);
    socket.on('data', (chunk: Buffer) => {
      if (!transport.push(chunk)) socket.pause();
    });
    socket.on('end', () => transport.push(null));
    socket.on('close', () => transport.destroy());
    socket.on('error', (error) => transport.destroy(error));
    const secure = new tls.TLSSocket(transport as unknown as net.Socket, { isServer: true, secureContext: this.secureContext });
    secure.on('error', (error) => this.logger.warn(`TLS connection failed: ${error.message}`, 'RemotingServer'));
    Object.defineProperty(secure, 'remoteAddress', { value: socket.remoteAddress });
    Object.defineProperty(secure, 'remotePort', { value: socket.remotePort });
    return secure;
  }

  private adopt(socket: net.Socket): void {
    const addr = `${socket.remoteAddress}:${socket.remotePort}`;
    const connection = new RemotingConnection(socket, addr, {
      logger: this.logger,
      maxFrameBytes: this.options.maxFrameBytes,
      onRequest: (request, conn) => this.dispatch(request, conn),
    });
    this.connections.add(connection);
    connection.once('close', () => this.connections.delete(connection));
  }

  private dispatch(request: RemotingCommand, connection: RemotingConnection) {
    const processor = this.processors.get(request.code) ?? this.defaultProcessor;
    if (!processor) {
      return RemotingCommand.response(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
    }
    return processor(request, connection);
  }
}
