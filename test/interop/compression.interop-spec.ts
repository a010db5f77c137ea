/**
 * Compressed bodies from the official Java producer reach our consumer decompressed: ZLIB (4.9.8 and 5.x), and
 * LZ4 and ZSTD, which only 5.x producers write (-Drocketmq.message.compressType). Runs on every target: Apache
 * 5.5.1 and 4.9.8, and the embedded broker (with the 5.5.1 client), which stores such bodies untouched.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { PushConsumer } from '../../libs/rocketmq/src/client/consumer/push-consumer.js';
import { MessageSysFlag } from '../../libs/rocketmq/src/protocol/message/message-const.js';
import type { MessageExt } from '../../libs/rocketmq/src/protocol/message/message.js';
import { Cleanups, testLogger, waitFor } from './support/helpers.js';
import { javaSource, parseJsonLines, runJava } from './support/java-client.js';
import { nameServer, targetVersion, uniqueName } from './support/target.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const version = targetVersion();
const BODY_SIZE = 6000;
const COUNT = 3;
/** sysFlag bits 8..10 of each type, as Java 4.9.4+ and 5.x set them. */
const TYPE_BITS = { ZLIB: MessageSysFlag.COMPRESSION_ZLIB_TYPE, LZ4: MessageSysFlag.COMPRESSION_LZ4_TYPE, ZSTD: MessageSysFlag.COMPRESSION_ZSTD_TYPE } as const;
const TYPES = (version.startsWith('4.') ? ['ZLIB'] : ['ZLIB', 'LZ4', 'ZSTD']) as (keyof typeof TYPE_BITS)[];

/** What JavaProducerConsumer sends with --body-size. */
function expectedBody(i: number): string {
  let body = '';
  while (body.length < BODY_SIZE) body += `hello-${i} `;
  return body.slice(0, BODY_SIZE);
}

describe.each(TYPES)('a %s-compressed body from the official Java producer', (type) => {
  it('is decompressed by our consumer', async () => {
    const topic = uniqueName(`Compressed${type}`);
    const received: MessageExt[] = [];
    const consumer = new PushConsumer({ nameServer: nameServer(), group: uniqueName('compressed_cg'), logger: testLogger, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' })
      .subscribe(topic, '*')
      .onMessage((message) => {
        received.push(message);
      });
    await consumer.start();
    cleanups.add(() => consumer.shutdown({ drainTimeoutMs: 500 }));

    const out = await runJava(version, javaSource('JavaProducerConsumer.java'), [nameServer(), topic, '--count', String(COUNT), '--no-consume', '--body-size', String(BODY_SIZE)], {
      jvmArgs: [`-Drocketmq.message.compressType=${type}`],
      timeoutMs: 120_000,
    });
    expect(parseJsonLines<{ type: string; status?: string }>(out).filter((l) => l.type === 'send' && l.status === 'SEND_OK')).toHaveLength(COUNT);

    await waitFor(() => received.length >= COUNT, 60_000, `${COUNT} ${type} messages`);
    const byIndex = new Map(received.map((m) => [Number(m.properties['idx']), m]));
    for (let i = 0; i < COUNT; i++) {
      const message = byIndex.get(i)!;
      // stored compressed (the record is smaller than the body), with the producer's type bits; the decoder clears
      // only the COMPRESSED bit once the body is decompressed
      expect(message.storeSize).toBeLessThan(BODY_SIZE);
      expect(message.sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK).toBe(TYPE_BITS[type]);
      expect(message.sysFlag & MessageSysFlag.COMPRESSED).toBe(0);
      expect(message.body.toString('utf8')).toBe(expectedBody(i));
    }
  }, 180_000);
});
