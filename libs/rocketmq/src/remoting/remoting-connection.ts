import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { RocketMQConnectionError, RocketMQProtocolError, RocketMQTimeoutError } from '../protocol/errors.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from '../protocol/frame-decoder.js';
import { decodeCommand, encodeFrameHead, RemotingCommand } from '../protocol/remoting-command.js';
import { requestCodeName } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { silentLogger, type RocketMQLogger } from '../logger.js';
import { InFlightRequests } from './in-flight-requests.js';

/** Handles a request the peer sent us; the returned command is sent back unless the request was one-way. */
export type RequestHandler = (
  request: RemotingCommand,
  connection: RemotingConnection,
) => Promise<RemotingCommand | undefined> | RemotingCommand | undefined;

/** Called on every request we send, after its header is final (ACL signing). */
export type RpcHook = (request: RemotingCommand) => void;

export interface RemotingConnectionOptions {
  maxFrameBytes?: number;
  logger?: RocketMQLogger;
  onRequest?: RequestHandler;
  rpcHook?: RpcHook;
  /** Above this many unflushed bytes, new requests wait for the socket to drain. */
  writeHighWaterMark?: number;
}

export interface ConnectOptions extends RemotingConnectionOptions {
  connectTimeoutMs?: number;
  /** `true` trusts any server certificate, as the Java client does by default (`tls.client.authServer=false`). */
  tls?: boolean | tls.ConnectionOptions;
}

const MAX_OPAQUE = 0x7fffffff;

/**
 * One remoting connection, used by both ends: it sends requests and matches responses by opaque,
 * and it serves requests the peer sends (the broker pushes CHECK_TRANSACTION_STATE and
 * NOTIFY_CONSUMER_IDS_CHANGED to clients; clients send everything to the broker).
 */
export class RemotingConnection extends EventEmitter<{ close: [error: Error | undefined] }> {
  private readonly inFlight = new InFlightRequests();
  private readonly decoder: FrameDecoder;
  private readonly logger: RocketMQLogger;
  private nextOpaque = Math.floor(Math.random() * 1000);
  private corked = false;
  private closeError: Error | undefined;
  private isClosed = false;
  private readonly writeHighWaterMark: number;

  constructor(
    readonly socket: net.Socket,
    /** `host:port` of the peer, for errors and logs. */
    readonly addr: string,
    private readonly options: RemotingConnectionOptions = {},
  ) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.decoder = new FrameDecoder(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    this.writeHighWaterMark = options.writeHighWaterMark ?? 8 * 1024 * 1024;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => {
      this.closeError ??= new RocketMQConnectionError(`connection to ${addr} failed: ${error.message}`, addr, { cause: error });
    });
    socket.on('close', () => this.onClose());
  }

  static async connect(addr: string, options: ConnectOptions = {}): Promise<RemotingConnection> {
    const { host, port } = parseAddress(addr);
    const timeoutMs = options.connectTimeoutMs ?? 3000;
    const socket = options.tls
      ? tls.connect({ host, port, rejectUnauthorized: false, ...(typeof options.tls === 'object' ? options.tls : {}) })
      : net.connect({ host, port });
    const readyEvent = options.tls ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => socket.destroy(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      await once(socket, readyEvent);
    } catch (error) {
      socket.destroy();
      throw new RocketMQConnectionError(`cannot connect to ${addr}: ${(error as Error).message}`, addr, { cause: error });
    } finally {
      clearTimeout(timer);
    }
    return new RemotingConnection(socket, addr, options);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Sends a request and resolves with the response, whatever its code; rejects on timeout or close. */
  async invoke(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    if (this.socket.writableLength > this.writeHighWaterMark) await this.drained();
    this.assertOpen(request);
    request.opaque = this.takeOpaque();
    request.flag &= ~0x2;
    this.options.rpcHook?.(request);
    const response = this.inFlight.add(
      request.opaque,
      timeoutMs,
      () => new RocketMQTimeoutError(this.addr, requestCodeName(request.code), timeoutMs),
    );
    this.write(request);
    return response;
  }

  /** Sends a request that never gets a response; resolves once it is handed to the socket. */
  async invokeOneway(request: RemotingCommand): Promise<void> {
    if (this.socket.writableLength > this.writeHighWaterMark) await this.drained();
    this.assertOpen(request);
    request.opaque = this.takeOpaque();
    request.markOneway();
    this.options.rpcHook?.(request);
    this.write(request);
  }

  /** Writes a response to a request the peer sent. */
  respond(response: RemotingCommand): void {
    if (this.isClosed) return;
    this.write(response);
  }

  /** Closes the connection; requests still waiting are rejected with a connection error. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    const closed = once(this.socket, 'close');
    this.socket.end();
    const timer = setTimeout(() => this.socket.destroy(), 1000);
    await closed.catch(() => undefined);
    clearTimeout(timer);
  }

  /** Drops the connection at once, e.g. after a protocol violation. */
  destroy(error?: Error): void {
    this.closeError ??= error;
    this.socket.destroy();
  }

  private takeOpaque(): number {
    const opaque = this.nextOpaque;
    this.nextOpaque = opaque >= MAX_OPAQUE ? 0 : opaque + 1;
    return opaque;
  }

  private assertOpen(request: RemotingCommand): void {
    if (this.isClosed || this.socket.destroyed) {
      throw new RocketMQConnectionError(`cannot send ${requestCodeName(request.code)}: connection to ${this.addr} is closed`, this.addr, {
        cause: this.closeError,
      });
    }
  }

  private write(cmd: RemotingCommand): void {
    // Writes made in the same tick leave the socket in one writev.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(encodeFrameHead(cmd));
    if (cmd.body && cmd.body.length > 0) this.socket.write(cmd.body);
  }

  private async drained(): Promise<void> {
    if (this.isClosed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, (frame) => this.onFrame(frame));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`closing connection to ${this.addr}: ${message}`, 'RemotingConnection');
      this.destroy(error instanceof RocketMQProtocolError ? new RocketMQProtocolError(`${this.addr}: ${message}`) : (error as Error));
    }
  }

  private onFrame(frame: Buffer): void {
    const cmd = decodeCommand(frame);
    if (cmd.isResponse) {
      if (!this.inFlight.fulfill(cmd)) {
        this.logger.debug?.(`response with opaque ${cmd.opaque} from ${this.addr} matches no request (timed out?)`, 'RemotingConnection');
      }
      return;
    }
    void this.serve(cmd);
  }

  private async serve(request: RemotingCommand): Promise<void> {
    const handler = this.options.onRequest;
    let response: RemotingCommand | undefined;
    try {
      response = handler
        ? await handler(request, this)
        : RemotingCommand.response(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
    } catch (error) {
      this.logger.warn(`processing ${requestCodeName(request.code)} from ${this.addr} failed: ${(error as Error).message}`, 'RemotingConnection');
      response = RemotingCommand.response(request, ResponseCode.SYSTEM_ERROR, (error as Error).message ?? String(error));
    }
    if (response && !request.isOneway) {
      response.opaque = request.opaque;
      response.flag |= 0x1;
      this.respond(response);
    }
  }

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    let error = this.closeError;
    if (!error && this.decoder.pendingBytes > 0) {
      error = new RocketMQProtocolError(`${this.addr} closed the connection in the middle of a frame (${this.decoder.pendingBytes} bytes pending)`);
    }
    this.inFlight.rejectAll(
      error instanceof RocketMQConnectionError || error instanceof RocketMQProtocolError
        ? error
        : new RocketMQConnectionError(`connection to ${this.addr} closed before the response arrived`, this.addr, { cause: error }),
    );
    this.emit('close', error);
  }
}

export function parseAddress(addr: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(addr.trim());
  if (!match) throw new RocketMQConnectionError(`"${addr}" is not an address of the form host:port`, addr);
  return { host: match[1]!, port: Number(match[2]) };
}
