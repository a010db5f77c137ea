import type tls from 'node:tls';
import { RocketMQConnectionError } from '../protocol/errors.js';
import { RemotingCommand } from '../protocol/remoting-command.js';
import { ResponseCode } from '../protocol/response-code.js';
import { silentLogger, type RocketMQLogger } from '../logger.js';
import { RemotingConnection, type RequestHandler, type RpcHook } from './remoting-connection.js';

export interface RemotingClientOptions {
  connectTimeoutMs?: number;
  tls?: boolean | tls.ConnectionOptions;
  rpcHook?: RpcHook;
  logger?: RocketMQLogger;
  maxFrameBytes?: number;
}

/**
 * Connections of one client to many servers, one per address, opened on first use and again
 * after a drop. Requests pushed by servers go to the processor registered for their code.
 */
export class RemotingClient {
  private readonly connections = new Map<string, Promise<RemotingConnection>>();
  private readonly processors = new Map<number, RequestHandler>();
  private readonly logger: RocketMQLogger;
  private closed = false;

  constructor(private readonly options: RemotingClientOptions = {}) {
    this.logger = options.logger ?? silentLogger;
  }

  registerProcessor(code: number, handler: RequestHandler): void {
    this.processors.set(code, handler);
  }

  async invoke(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const connection = await this.connection(addr);
    return connection.invoke(request, timeoutMs);
  }

  async invokeOneway(addr: string, request: RemotingCommand): Promise<void> {
    const connection = await this.connection(addr);
    await connection.invokeOneway(request);
  }

  /** The open connection to `addr`, connecting if there is none. */
  connection(addr: string): Promise<RemotingConnection> {
    if (this.closed) return Promise.reject(new RocketMQConnectionError('the remoting client is shut down', addr));
    let pending = this.connections.get(addr);
    if (!pending) {
      pending = RemotingConnection.connect(addr, {
        connectTimeoutMs: this.options.connectTimeoutMs,
        tls: this.options.tls,
        rpcHook: this.options.rpcHook,
        logger: this.logger,
        maxFrameBytes: this.options.maxFrameBytes,
        onRequest: (request, connection) => this.serve(request, connection),
      });
      this.connections.set(addr, pending);
      pending.then(
        (connection) => {
          if (this.closed) void connection.close();
          connection.once('close', (error) => {
            if (this.connections.get(addr) === pending) this.connections.delete(addr);
            if (error && !this.closed) this.logger.warn(`connection to ${addr} closed: ${error.message}`, 'RemotingClient');
          });
        },
        () => {
          if (this.connections.get(addr) === pending) this.connections.delete(addr);
        },
      );
    }
    return pending;
  }

  /** Closes the connection to one address (after a failure, so the next request reconnects). */
  async closeConnection(addr: string): Promise<void> {
    const pending = this.connections.get(addr);
    this.connections.delete(addr);
    const connection = await pending?.catch(() => undefined);
    await connection?.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map(async (pending) => (await pending.catch(() => undefined))?.close()));
  }

  private async serve(request: RemotingCommand, connection: RemotingConnection): Promise<RemotingCommand | undefined> {
    const processor = this.processors.get(request.code);
    if (!processor) {
      return RemotingCommand.response(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`);
    }
    return processor(request, connection);
  }
}
