/**
 * rocketmq-embedded: a name server and broker(s) from a broker.conf, until SIGINT / SIGTERM.
 *
 *   node --import @swc-node/register/esm-register libs/broker/src/bin/rocketmq-embedded.ts -c broker.conf \
 *        [--namesrv-port 9876] [--store ./store] [--brokers 2] [--verbose]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brokerConfigFromProperties } from '../broker/broker-config-file.js';
import type { BrokerConfig } from '../broker/broker-config.js';
import type { BrokerLogger } from '../broker/broker-context.js';
import { EmbeddedRocketMQ } from '../embedded/index.js';

const USAGE = `Usage: rocketmq-embedded [-c broker.conf] [--namesrv-port <port>] [--store <dir>] [--brokers <n>] [--verbose]

  -c, --config <file>     Java-properties broker.conf (keys as Apache's broker.conf)
  --namesrv-port <port>   name-server port (default: a free port)
  --store <dir>           store root; each broker uses <dir>/<brokerName> (default: a temp dir, removed on exit)
  --brokers <n>           number of brokers (default 1)
  --verbose               log everything the brokers log
  -h, --help              this help`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        'namesrv-port': { type: 'string' },
        store: { type: 'string' },
        brokers: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  let brokerConfig: Partial<BrokerConfig> = {};
  if (args.config) {
    const file = path.resolve(args.config);
    const parsed = brokerConfigFromProperties(readFileSync(file, 'utf8'));
    brokerConfig = parsed.config;
    console.log(`Read ${file}: ${Object.keys(parsed.config).length} settings`);
    if (parsed.unknownKeys.length > 0) console.warn(`Warning: ignoring keys this broker does not know: ${parsed.unknownKeys.join(', ')}`);
  }
  const namesrvPort = args['namesrv-port'] !== undefined ? Number(args['namesrv-port']) : undefined;
  if (namesrvPort !== undefined && (!Number.isInteger(namesrvPort) || namesrvPort < 0 || namesrvPort > 65535)) {
    console.error(`--namesrv-port must be a port number, got ${args['namesrv-port']}`);
    return 2;
  }
  const brokers = args.brokers !== undefined ? Number(args.brokers) : undefined;
  if (brokers !== undefined && (!Number.isInteger(brokers) || brokers < 1)) {
    console.error(`--brokers must be a positive integer, got ${args.brokers}`);
    return 2;
  }
  // an explicit storePathRootDir in broker.conf applies to a single broker; --store wins
  const storeDir = args.store ? path.resolve(args.store) : brokerConfig.storePathRootDir && (brokers ?? 1) === 1 ? path.dirname(brokerConfig.storePathRootDir) : undefined;
  if (args.store || (brokers ?? 1) > 1) delete brokerConfig.storePathRootDir;

  const print = (level: string) => (message: string, context?: string) => console.log(`${new Date().toISOString()} ${level} [${context ?? ''}] ${message}`);
  const logger: BrokerLogger = args.verbose
    ? { log: print('INFO'), warn: print('WARN'), error: print('ERROR'), debug: print('DEBUG') }
    : { log() {}, warn: print('WARN'), error: print('ERROR') };

  console.log('Starting the name server and broker(s)...');
  const mq = await EmbeddedRocketMQ.start({ storeDir, namesrvPort, brokers, brokerConfig, logger });
  console.log(`Name server: ${mq.nameServer}`);
  for (const b of mq.brokers) console.log(`Broker ${b.name} (cluster ${b.cluster}): ${b.addr}, store ${b.storePath}`);
  console.log(`Ready in ${mq.startupMs} ms. Clients: nameServer=${mq.nameServer}. Stop with Ctrl-C.`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`\n${signal}: stopping...`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await mq.stop();
  console.log('Stopped.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`rocketmq-embedded failed: ${err.message}`);
    process.exit(1);
  },
);
