/**
 * Long polling (`PullRequestHoldService`): a PULL that found nothing is held per `topic@queueId` until a message for
 * that queue is dispatched (and passes the request's tags filter) or its suspend time runs out; then it is executed
 * once more, without suspending, and the answer is written to the connection.
 */
import type { RemotingConnection } from '@app/rocketmq/remoting';
import type { RemotingCommand } from '@app/rocketmq/protocol';
import type { DispatchedMessage } from '../../store/index.js';
import type { BrokerLogger } from '../broker-context.js';

export interface HeldPullRequest {
  request: RemotingCommand;
  connection: RemotingConnection;
  topic: string;
  queueId: number;
  /** The offset the consumer asked for: a message at or past it wakes the request. */
  offset: number;
  /** Tags-code check of the request's subscription (SQL92 subscriptions pass every code). */
  matchesTagsCode: (tagsCode: number) => boolean;
  timer?: NodeJS.Timeout;
  /** `topic@queueId`, set while the request is held. */
  key?: string;
}

/** Re-executes a held request; resolves to the response to send (undefined: nothing). */
export type PullExecutor = (held: HeldPullRequest) => Promise<RemotingCommand | undefined>;

export class PullRequestHoldService {
  private readonly table = new Map<string, Set<HeldPullRequest>>();
  /** Held requests by connection: one close listener per connection, however many queues it long-polls. */
  private readonly byConnection = new Map<RemotingConnection, Set<HeldPullRequest>>();
  private stopped = false;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly execute: PullExecutor,
    private readonly logger: BrokerLogger,
  ) {}

  get heldCount(): number {
    let n = 0;
    for (const set of this.table.values()) n += set.size;
    return n;
  }

  hold(held: HeldPullRequest, timeoutMs: number): void {
    if (this.stopped) {
      void this.wake(held);
      return;
    }
    const key = `${held.topic}@${held.queueId}`;
    let set = this.table.get(key);
    if (!set) {
      set = new Set();
      this.table.set(key, set);
    }
    set.add(held);
    held.key = key;
    held.timer = setTimeout(() => this.release(key, held), Math.max(0, timeoutMs));
    this.heldOn(held.connection).add(held);
  }

  private heldOn(connection: RemotingConnection): Set<HeldPullRequest> {
    let held = this.byConnection.get(connection);
    if (!held) {
      held = new Set();
      this.byConnection.set(connection, held);
      connection.once('close', () => {
        for (const request of [...held!]) this.remove(request.key!, request);
        this.byConnection.delete(connection);
      });
    }
    return held;
  }

  /** Store dispatch listener: wake the requests of the message's queue that want it. */
  readonly onDispatched = (message: DispatchedMessage): void => {
    const key = `${message.topic}@${message.queueId}`;
    const set = this.table.get(key);
    if (!set) return;
    for (const held of [...set]) {
      if (message.queueOffset + 1 > held.offset && held.matchesTagsCode(message.tagsCode)) this.release(key, held);
    }
  };

  private remove(key: string, held: HeldPullRequest): boolean {
    const set = this.table.get(key);
    if (!set || !set.delete(held)) return false;
    if (set.size === 0) this.table.delete(key);
    if (held.timer) clearTimeout(held.timer);
    this.byConnection.get(held.connection)?.delete(held);
    return true;
  }

  private release(key: string, held: HeldPullRequest): void {
    if (!this.remove(key, held)) return;
    // after the dispatch that woke us has finished
    setImmediate(() => {
      const run = this.wake(held);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    });
  }

  private async wake(held: HeldPullRequest): Promise<void> {
    if (held.connection.closed) return;
    try {
      const response = await this.execute(held);
      if (response && !held.request.isOneway && !held.connection.closed) {
        response.opaque = held.request.opaque;
        response.flag |= 0x1;
        held.connection.respond(response);
      }
    } catch (err) {
      this.logger.warn(`Re-executing a held pull request failed: ${(err as Error).message}`, 'PullRequestHoldService');
    }
  }

  /** Answers every held request now (broker stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [key, set] of [...this.table]) for (const held of [...set]) this.release(key, held);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.allSettled([...this.running]);
  }
}
