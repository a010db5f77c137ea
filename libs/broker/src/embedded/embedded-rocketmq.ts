/**
 * A whole RocketMQ in one call: a name server and one or more brokers, in this process or in a child process
 * (`inWorker: true`, so the broker does not share the application's event loop).
 *
 *   const mq = await EmbeddedRocketMQ.start();              // one broker, store in a temp dir
 *   new Producer({ nameServer: mq.nameServer, group: 'g' });
 *   ...
 *   await mq.stop();                                        // removes the temp dir
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NameServer } from '../namesrv/index.js';
import type { BrokerConfig } from '../broker/broker-config.js';
import type { BrokerContext, BrokerLogger, BrokerService } from '../broker/broker-context.js';
import { Broker } from '../broker/broker.js';

export interface EmbeddedRocketMQOptions {
  /** Root of every broker's store (`<storeDir>/<brokerName>`); default a temp dir that stop() removes. */
  storeDir?: string;
  /** Broker count (named broker-a, broker-b, ...) or one config per broker. Default one broker. */
  brokers?: number | Partial<BrokerConfig>[];
  /** Name-server port; default a free one. */
  namesrvPort?: number;
  /** Settings applied to every broker (a per-broker config wins). */
  brokerConfig?: Partial<BrokerConfig>;
  /** In-process only (a logger cannot cross to a child process; there, output goes to stderr when `verbose`). */
  logger?: BrokerLogger;
  /** Run name server and brokers in a child process; the API is the same. */
  inWorker?: boolean;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** In-process only: extra broker features (see Broker options). */
  features?: (ctx: BrokerContext) => BrokerService[] | Promise<BrokerService[]>;
  /** Child process only: forward its log lines to stderr. */
  verbose?: boolean;
}

export interface EmbeddedBrokerInfo {
  name: string;
  cluster: string;
  addr: string;
  storePath: string;
}

export interface RunningEmbeddedRocketMQ {
  /** `host:port` of the name server (what clients take as nameServer / namesrvAddr). */
  nameServer: string;
  brokers: EmbeddedBrokerInfo[];
  /** ms from start() to every broker being visible in the name server. */
  startupMs: number;
  /** The process running the name server and brokers (the child with inWorker, else this one). */
  pid: number;
  stop(): Promise<void>;
  /** The in-process objects (undefined with inWorker). */
  instances?: { nameServer: NameServer; brokers: Broker[] };
}

const BROKER_LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The per-broker configs of a start request (names, store paths, name server). */
export function brokerConfigs(options: EmbeddedRocketMQOptions, storeDir: string, namesrvAddr: string): Partial<BrokerConfig>[] {
  const specs = typeof options.brokers === 'number' || options.brokers === undefined ? Array.from({ length: options.brokers ?? 1 }, (): Partial<BrokerConfig> => ({})) : options.brokers;
  return specs.map((spec, i) => {
    const brokerName = spec.brokerName ?? (specs.length === 1 ? options.brokerConfig?.brokerName : undefined) ?? `broker-${BROKER_LETTERS[i] ?? i}`;
    const merged: Partial<BrokerConfig> = { brokerIP1: options.host ?? '127.0.0.1', ...options.brokerConfig, ...spec, brokerName, namesrvAddr };
    merged.storePathRootDir = spec.storePathRootDir ?? path.join(storeDir, brokerName);
    return merged;
  });
}

async function startInProcess(options: EmbeddedRocketMQOptions): Promise<RunningEmbeddedRocketMQ> {
  const started = performance.now();
  const ownsDir = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(path.join(os.tmpdir(), 'rocketmq-embedded-'));
  const nameServer = new NameServer({ host: options.host ?? '127.0.0.1', port: options.namesrvPort ?? 0, logger: options.logger });
  const brokers: Broker[] = [];
  const cleanup = async () => {
    for (const broker of brokers.reverse()) await broker.stop().catch(() => undefined);
    await nameServer.stop().catch(() => undefined);
    if (ownsDir) rmSync(storeDir, { recursive: true, force: true });
  };
  try {
    const { addr } = await nameServer.start();
    const configs = brokerConfigs(options, storeDir, addr);
    await Promise.all(
      configs.map(async (config) => {
        const broker = new Broker(config, { logger: options.logger, features: options.features });
        brokers.push(broker);
        await broker.start();
      }),
    );
    // registration is awaited by Broker.start; make sure the name server shows every broker
    const deadline = Date.now() + 10_000;
    for (;;) {
      const live = new Set(nameServer.routes.liveBrokers().map((b) => b.brokerAddr));
      if (brokers.every((b) => live.has(b.addr))) break;
      if (Date.now() > deadline) throw new Error('the brokers did not show up in the name server within 10 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    const startupMs = Math.round(performance.now() - started);
    options.logger?.log(`embedded RocketMQ ready in ${startupMs} ms: name server ${addr}, brokers ${brokers.map((b) => b.addr).join(', ')}`, 'EmbeddedRocketMQ');
    let stopping: Promise<void> | undefined;
    return {
      nameServer: addr,
      brokers: brokers.map((b) => ({ name: b.config.brokerName, cluster: b.config.brokerClusterName, addr: b.addr, storePath: b.config.storePathRootDir })),
      startupMs,
      pid: process.pid,
      stop: () => (stopping ??= cleanup()),
      instances: { nameServer, brokers: [...brokers] },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export const EmbeddedRocketMQ = {
  async start(options: EmbeddedRocketMQOptions = {}): Promise<RunningEmbeddedRocketMQ> {
    if (options.inWorker) {
      const { startInChildProcess } = await import('./embedded-child.js');
      return startInChildProcess(options);
    }
    return startInProcess(options);
  },
};
