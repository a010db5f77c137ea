/**
 * Registration with every name server (`BrokerController.registerBrokerAll`, `BrokerOuterAPI`): REGISTER_BROKER with
 * the RegisterBrokerBody of all topics at start (awaited), every registerNameServerPeriod (clamped to 10–60 s, as
 * Apache does), and shortly after topic changes (coalesced); UNREGISTER_BROKER at stop.
 */
import { RemotingClient } from '@app/rocketmq/remoting';
import {
  RegisterBrokerRequestHeader,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  UnRegisterBrokerRequestHeader,
  encodeRegisterBrokerBody,
  isReadable,
  isWriteable,
  registerBrokerBodyCrc32,
  type TopicConfig,
} from '@app/rocketmq/protocol';
import type { BrokerConfig } from '../broker-config.js';
import type { BrokerLogger } from '../broker-context.js';
import type { TopicConfigManager } from '../metadata/topic-config-manager.js';

const REGISTER_TIMEOUT_MS = 24_000;
/** Delay that coalesces a burst of topic changes into one registration. */
const COALESCE_MS = 5;

export function nameServerAddresses(namesrvAddr: string): string[] {
  return namesrvAddr
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export class NameServerRegistrar {
  private readonly client: RemotingClient;
  private periodic: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: BrokerConfig,
    private readonly brokerAddr: string,
    private readonly topics: TopicConfigManager,
    private readonly logger: BrokerLogger,
  ) {
    this.client = new RemotingClient({ logger });
  }

  private get addresses(): string[] {
    return nameServerAddresses(this.config.namesrvAddr);
  }

  /** Registers with every name server now; resolves when all answered (failures are logged). */
  async registerAll(): Promise<void> {
    if (this.addresses.length === 0) return;
    const snapshot = this.topics.snapshot();
    const brokerPerm = this.config.brokerPermission;
    // Apache masks topic perms only when the broker itself lacks read or write permission.
    if (!isWriteable(brokerPerm) || !isReadable(brokerPerm)) {
      for (const [name, tc] of Object.entries(snapshot.topicConfigTable)) {
        snapshot.topicConfigTable[name] = { ...tc, perm: tc.perm & brokerPerm } satisfies TopicConfig;
      }
    }
    const body = encodeRegisterBrokerBody({ topicConfigSerializeWrapper: snapshot, filterServerList: [] });
    const [host, port] = splitAddr(this.brokerAddr);
    const ext = RegisterBrokerRequestHeader.encode({
      brokerName: this.config.brokerName,
      brokerAddr: this.brokerAddr,
      clusterName: this.config.brokerClusterName,
      haServerAddr: `${host}:${port + 1}`,
      brokerId: this.config.brokerId,
      compressed: false,
      bodyCrc32: registerBrokerBodyCrc32(body),
    });
    await Promise.all(
      this.addresses.map(async (addr) => {
        try {
          const response = await this.client.invoke(addr, RemotingCommand.request(RequestCode.REGISTER_BROKER, { ...ext }, body), REGISTER_TIMEOUT_MS);
          if (response.code !== ResponseCode.SUCCESS) {
            this.logger.warn(`Registration with name server ${addr} refused: ${response.code} ${response.remark ?? ''}`, 'NameServerRegistrar');
          }
        } catch (err) {
          this.logger.warn(`Registration with name server ${addr} failed: ${(err as Error).message}`, 'NameServerRegistrar');
        }
      }),
    );
  }

  start(): void {
    const period = Math.min(60_000, Math.max(10_000, this.config.registerNameServerPeriod));
    this.periodic = setInterval(() => this.requestRegistration(), period);
    this.periodic.unref();
  }

  /** Registers soon; bursts are coalesced, and a request during a registration triggers one more after it. */
  requestRegistration(): void {
    if (this.stopped) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.inFlight = this.registerAll().finally(() => {
        this.inFlight = undefined;
        if (this.again) {
          this.again = false;
          this.requestRegistration();
        }
      });
    }, COALESCE_MS);
  }

  /** Waits for a registration in progress or scheduled (tests, start-up). */
  async settled(): Promise<void> {
    while (this.pending || this.inFlight) {
      if (this.inFlight) await this.inFlight;
      else await new Promise((r) => setTimeout(r, COALESCE_MS));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.periodic) clearInterval(this.periodic);
    if (this.pending) clearTimeout(this.pending);
    this.periodic = this.pending = undefined;
    await this.inFlight?.catch(() => undefined);
    const ext = UnRegisterBrokerRequestHeader.encode({
      brokerName: this.config.brokerName,
      brokerAddr: this.brokerAddr,
      clusterName: this.config.brokerClusterName,
      brokerId: this.config.brokerId,
    });
    await Promise.all(
      this.addresses.map((addr) =>
        this.client.invoke(addr, RemotingCommand.request(RequestCode.UNREGISTER_BROKER, { ...ext }), 3000).catch((err: Error) => {
          this.logger.warn(`Unregistering from name server ${addr} failed: ${err.message}`, 'NameServerRegistrar');
        }),
      ),
    );
    await this.client.close();
  }
}

function splitAddr(addr: string): [string, number] {
  const at = addr.lastIndexOf(':');
  return [addr.slice(0, at), Number(addr.slice(at + 1))];
}
