import { RocketMQConnectionError, RocketMQError, RocketMQResponseError } from '../protocol/errors.js';
import { GetRouteInfoRequestHeader } from '../protocol/header/namesrv-headers.js';
import { RemotingCommand } from '../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { RemotingClient } from '../remoting/remoting-client.js';

/**
 * Requests to the name servers, with failover: the address that answered last is tried first,
 * then the others in turn (Java picks one and moves on when it fails).
 */
export class NameServerApi {
  private preferred = 0;

  constructor(
    private readonly remoting: RemotingClient,
    private readonly addrs: readonly string[],
    private readonly timeoutMs: number,
  ) {
    if (addrs.length === 0) throw new RocketMQError('No name server address is configured: set nameServer to "host:9876"');
    this.preferred = Math.floor(Math.random() * addrs.length);
  }

  get addresses(): readonly string[] {
    return this.addrs;
  }

  /** Sends the request to one name server after another until one answers (any response code). */
  async invoke(build: () => RemotingCommand, timeoutMs = this.timeoutMs): Promise<{ response: RemotingCommand; addr: string }> {
    let lastError: unknown;
    for (let i = 0; i < this.addrs.length; i++) {
      const index = (this.preferred + i) % this.addrs.length;
      const addr = this.addrs[index]!;
      try {
        const response = await this.remoting.invoke(addr, build(), timeoutMs);
        this.preferred = index;
        return { response, addr };
      } catch (error) {
        lastError = error;
        await this.remoting.closeConnection(addr);
      }
    }
    const request = requestCodeName(build().code);
    throw new RocketMQConnectionError(
      `${request}: no name server answered (tried ${this.addrs.join(', ')}): ${(lastError as Error)?.message ?? lastError}`,
      this.addrs.join(';'),
      { cause: lastError },
    );
  }

  /** The route body of a topic, or undefined when the topic does not exist. */
  async topicRouteBody(topic: string): Promise<Buffer | undefined> {
    const { response, addr } = await this.invoke(() =>
      RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader.encode({ topic, acceptStandardJsonOnly: true })),
    );
    if (response.code === ResponseCode.TOPIC_NOT_EXIST) return undefined;
    if (response.code !== ResponseCode.SUCCESS || !response.body) {
      throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(RequestCode.GET_ROUTEINFO_BY_TOPIC));
    }
    return response.body;
  }

  /** Sends a request and returns the response body, throwing on any non-success code. */
  async call(code: number, ext?: Record<string, string>, body?: Buffer): Promise<RemotingCommand> {
    const { response, addr } = await this.invoke(() => RemotingCommand.request(code, ext ? { ...ext } : undefined, body));
    if (response.code !== ResponseCode.SUCCESS) throw new RocketMQResponseError(response.code, response.remark, addr, requestCodeName(code));
    return response;
  }
}
