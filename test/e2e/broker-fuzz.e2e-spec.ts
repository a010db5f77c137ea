/**
 * Bad input on the wire: mutated and truncated frames of real requests. The broker must never crash,
 * answer each bad request with an error or close the connection, keep its memory bounded, and keep
 * serving well-formed clients with an intact store.
 */
import { describe, expect, it, jest } from '@jest/globals';
import net from 'node:net';
import { encodeCommand, RemotingCommand, RequestCode, SendMessageRequestHeaderV2, PullMessageRequestHeader } from '@app/rocketmq/protocol';
import { PullConsumer } from '../../libs/rocketmq/src/client/consumer/pull-consumer.js';
import { Producer } from '../../libs/rocketmq/src/client/producer/producer.js';
import { Message } from '../../libs/rocketmq/src/protocol/message/message.js';
import { quiet, startEmbedded, uniqueName } from './support/embedded.js';

jest.setTimeout(180_000);

const FRAMES = Number(process.env.ROCKETMQ_FUZZ_FRAMES ?? 100_000);

/** A deterministic PRNG so a failure can be replayed (seed in the test name). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedFrames(topic: string): Buffer[] {
  const send = RemotingCommand.request(
    RequestCode.SEND_MESSAGE_V2,
    SendMessageRequestHeaderV2.encode({
      producerGroup: 'fuzz_pg', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0,
      bornTimestamp: Date.now(), flag: 0, properties: 'UNIQ_KEY\u0001FUZZ\u0002WAIT\u0001true\u0002', reconsumeTimes: 0, unitMode: false, batch: false,
    }),
    Buffer.from('fuzz body'),
  );
  const pull = RemotingCommand.request(
    RequestCode.PULL_MESSAGE,
    PullMessageRequestHeader.encode({ consumerGroup: 'fuzz_cg', topic, queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subVersion: 0 }),
  );
  const heartbeat = RemotingCommand.request(RequestCode.HEART_BEAT, undefined, Buffer.from('{"clientID":"fuzz","producerDataSet":[],"consumerDataSet":[]}'));
  return [encodeCommand(send), encodeCommand(pull), encodeCommand(heartbeat), encodeCommand(RemotingCommand.request(9999))];
}

/** Mutates a valid frame: flipped bytes, a wrong length word, a truncated or padded tail, or random bytes. */
function mutate(frame: Buffer, random: () => number): Buffer {
  const copy = Buffer.from(frame);
  switch (Math.floor(random() * 5)) {
    case 0: {
      const flips = 1 + Math.floor(random() * 8);
      for (let i = 0; i < flips; i++) copy[4 + Math.floor(random() * (copy.length - 4))] = Math.floor(random() * 256);
      return copy;
    }
    case 1:
      copy.writeInt32BE(copy.readInt32BE(4) ^ (1 << Math.floor(random() * 31)), 4); // header length / type word
      return copy;
    case 2: {
      const cut = 8 + Math.floor(random() * (copy.length - 8));
      const out = copy.subarray(0, cut);
      out.writeInt32BE(cut - 4, 0); // consistent length, truncated header or body
      return out;
    }
    case 3:
      copy.writeInt32BE(Math.floor(random() * 0x7fffffff), 0); // absurd frame length
      return copy;
    default: {
      const junk = Buffer.alloc(8 + Math.floor(random() * 64));
      for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
      junk.writeInt32BE(junk.length - 4, 0);
      return junk;
    }
  }
}

describe('malformed and mutated frames', () => {
  it(`survives ${FRAMES.toLocaleString('en-US')} mutated frames (seed 42) and keeps serving with an intact store`, async () => {
    const mq = await startEmbedded();
    const [host, port] = mq.brokers[0]!.addr.split(':') as [string, string];
    try {
      const topic = uniqueName('FuzzTopic');
      const producer = new Producer({ nameServer: mq.nameServer, group: uniqueName('fuzz_good'), logger: quiet });
      await producer.start();
      const before = [];
      for (let i = 0; i < 10; i++) before.push(await producer.send(new Message(topic, Buffer.from(`good-${i}`))));

      const random = prng(42);
      const seeds = seedFrames(topic);
      // After each mutated frame a well-formed sentinel request follows: its answer proves the broker
      // processed the bad frame and kept the connection; a close proves it dropped it. Either is fine,
      // silence is not (a frame whose length word swallowed the sentinel is ended by us after 500 ms).
      const sentinel = (opaque: number) => {
        const cmd = RemotingCommand.request(9999);
        cmd.opaque = opaque;
        return encodeCommand(cmd);
      };
      let sent = 0;
      let closes = 0;
      let answered = 0;
      let stuck = 0;
      const rssBefore = process.memoryUsage().rss;
      const worker = async () => {
        while (sent < FRAMES) {
          await new Promise<void>((resolve) => {
            const socket = net.connect(Number(port), host);
            let pending: ((outcome: 'answered' | 'closed' | 'stuck') => void) | undefined;
            let buffered = Buffer.alloc(0);
            socket.on('data', (chunk: Buffer) => {
              buffered = Buffer.concat([buffered, chunk]);
              // Any complete frame back means the sentinel (or the bad frame) was answered.
              while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
                buffered = buffered.subarray(4 + buffered.readInt32BE(0));
                if (buffered.length === 0) pending?.('answered');
              }
            });
            socket.on('error', () => undefined);
            socket.on('close', () => {
              pending?.('closed');
              resolve();
            });
            socket.on('connect', async () => {
              for (;;) {
                if (sent >= FRAMES) break;
                sent += 1;
                const outcome = await new Promise<'answered' | 'closed' | 'stuck'>((done) => {
                  const timer = setTimeout(() => done('stuck'), 500);
                  pending = (o) => {
                    clearTimeout(timer);
                    pending = undefined;
                    done(o);
                  };
                  socket.write(Buffer.concat([mutate(seeds[Math.floor(random() * seeds.length)]!, random), sentinel(sent)]));
                });
                if (outcome === 'answered') answered += 1;
                else if (outcome === 'closed') closes += 1;
                else stuck += 1;
                if (outcome !== 'answered') break;
              }
              socket.destroy();
            });
          });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      if (process.env.ROCKETMQ_TEST_DEBUG) process.stderr.write(`fuzz: ${sent} frames, ${answered} answered, ${closes} closed, ${stuck} swallowed the sentinel\n`);
      expect(answered + closes + stuck).toBeGreaterThanOrEqual(FRAMES);
      // Only frames whose length word ran past the sentinel may go unanswered.
      expect(stuck).toBeLessThan(FRAMES * 0.05);
      expect(closes).toBeGreaterThan(0);
      expect(answered).toBeGreaterThan(0);
      // The broker shares this process: its memory must not grow with the garbage it was fed.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);

      // Still serving, and the store is intact: the earlier messages read back, new ones are accepted.
      const after = await producer.send(new Message(topic, Buffer.from('after the fuzz')));
      expect(after.status).toBe('SEND_OK');
      const reader = new PullConsumer({ nameServer: mq.nameServer, group: uniqueName('fuzz_reader'), logger: quiet, autoCommit: false });
      const queues = await reader.fetchMessageQueues(topic);
      reader.assign(queues);
      await reader.start();
      for (const q of queues) await reader.seekToBegin(q);
      const bodies = new Set<string>();
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(before.every((_, i) => bodies.has(`good-${i}`)) && bodies.has('after the fuzz'))) {
        for (const m of await reader.poll(300)) bodies.add(m.body.toString());
      }
      await reader.shutdown();
      await producer.shutdown();
      for (let i = 0; i < 10; i++) expect(bodies.has(`good-${i}`)).toBe(true);
      expect(bodies.has('after the fuzz')).toBe(true);
    } finally {
      await mq.stop();
    }
  });
});
