import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.RPCHook;

/**
 * Official-Java-client smoke program for the interop harness (compiled and run by
 * test/interop/support/java-client.ts against the jars of one RocketMQ version; the source compiles against
 * both 4.9.x and 5.x clients).
 *
 * Usage: JavaProducerConsumer <namesrvAddr> <topic> [options]
 *   --count N          messages to send (default 10)
 *   --tag T            message tag (default TagA)
 *   --ak KEY --sk SEC  sign requests with AclClientRPCHook (ACL 1.0 / ACL 2.0 AccessKey+SecretKey)
 *   --no-consume       only send
 *   --group G          consumer group (default HarnessCG_<pid>_<millis>)
 *   --timeout MS       how long to wait for all messages to be consumed (default 60000)
 *   --body-size N      body of N bytes ("hello-i " repeated; the client compresses bodies of 4096 bytes and more,
 *                      with -Drocketmq.message.compressType=ZLIB|LZ4|ZSTD on 5.x)
 *
 * Output: one JSON object per line on stdout:
 *   {"type":"send","i":0,"msgId":"...","offsetMsgId":"...","status":"SEND_OK","brokerName":"...","queueId":0,"queueOffset":0}
 *   {"type":"sendError","i":0,"error":"..."}            (then exit status 2)
 *   {"type":"recv","msgId":"...","queueId":0,"queueOffset":0,"body":"...","tags":"...","reconsumeTimes":0}
 *   {"type":"done","sent":N,"received":M,"sendMs":..,"consumeMs":..}   (exit status 0 when M == N, else 3)
 */
public final class JavaProducerConsumer {
    private JavaProducerConsumer() {
    }

    private static synchronized void emit(String json) {
        System.out.println(json);
        System.out.flush();
    }

    static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** The exception and its causes on one line (the client wraps the broker's answer, e.g. an ACL refusal). */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (b.length() > 0) {
                b.append(" | caused by: ");
            }
            b.append(t.toString().replace('\n', ' '));
        }
        return b.toString();
    }

    /** "hello-i", or "hello-i " repeated and cut to `size` characters. */
    static String body(int i, int size) {
        if (size < 0) {
            return "hello-" + i;
        }
        StringBuilder b = new StringBuilder(size + 16);
        while (b.length() < size) {
            b.append("hello-").append(i).append(' ');
        }
        return b.substring(0, size);
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 2) {
            System.err.println("usage: JavaProducerConsumer <namesrvAddr> <topic> [--count N] [--tag T] [--ak KEY --sk SECRET] [--no-consume] [--group G] [--timeout MS] [--body-size N]");
            System.exit(64);
        }
        String namesrv = argv[0];
        String topic = argv[1];
        int count = 10;
        String tag = "TagA";
        String ak = null;
        String sk = null;
        boolean consume = true;
        String group = "HarnessCG_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis();
        long timeoutMs = 60000;
        int bodySize = -1;
        for (int i = 2; i < argv.length; i++) {
            switch (argv[i]) {
                case "--count": count = Integer.parseInt(argv[++i]); break;
                case "--tag": tag = argv[++i]; break;
                case "--ak": ak = argv[++i]; break;
                case "--sk": sk = argv[++i]; break;
                case "--no-consume": consume = false; break;
                case "--group": group = argv[++i]; break;
                case "--timeout": timeoutMs = Long.parseLong(argv[++i]); break;
                case "--body-size": bodySize = Integer.parseInt(argv[++i]); break;
                default:
                    System.err.println("unknown option " + argv[i]);
                    System.exit(64);
            }
        }
        RPCHook hook = ak != null ? new AclClientRPCHook(new SessionCredentials(ak, sk == null ? "" : sk)) : null;
        String instance = "harness_" + ProcessHandle.current().pid();

        DefaultMQProducer producer = new DefaultMQProducer("HarnessPG_" + ProcessHandle.current().pid(), hook);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(instance);
        producer.setSendMsgTimeout(10000);
        producer.setRetryTimesWhenSendFailed(1);
        long t0 = System.currentTimeMillis();
        producer.start();

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message msg = new Message(topic, tag, "key-" + i, body(i, bodySize).getBytes(StandardCharsets.UTF_8));
            msg.putUserProperty("idx", Integer.toString(i));
            try {
                SendResult r = producer.send(msg);
                sent.add(r.getMsgId());
                emit("{\"type\":\"send\",\"i\":" + i
                    + ",\"msgId\":" + q(r.getMsgId())
                    + ",\"offsetMsgId\":" + q(r.getOffsetMsgId())
                    + ",\"status\":" + q(String.valueOf(r.getSendStatus()))
                    + ",\"brokerName\":" + q(r.getMessageQueue().getBrokerName())
                    + ",\"queueId\":" + r.getMessageQueue().getQueueId()
                    + ",\"queueOffset\":" + r.getQueueOffset() + "}");
            } catch (Exception e) {
                emit("{\"type\":\"sendError\",\"i\":" + i + ",\"error\":" + q(describe(e)) + "}");
                System.exit(2);
            }
        }
        producer.shutdown();
        long sendMs = System.currentTimeMillis() - t0;

        if (!consume) {
            emit("{\"type\":\"done\",\"sent\":" + sent.size() + ",\"received\":0,\"sendMs\":" + sendMs + "}");
            System.exit(0);
        }

        final Set<String> expected = new LinkedHashSet<>(sent);
        final Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group, hook, new AllocateMessageQueueAveragely());
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(instance);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                // emit before recording, so that every message counted in "done" has had its line printed
                emit("{\"type\":\"recv\",\"msgId\":" + q(m.getMsgId())
                    + ",\"queueId\":" + m.getQueueId()
                    + ",\"queueOffset\":" + m.getQueueOffset()
                    + ",\"tags\":" + q(m.getTags())
                    + ",\"body\":" + q(new String(m.getBody(), StandardCharsets.UTF_8))
                    + ",\"reconsumeTimes\":" + m.getReconsumeTimes() + "}");
                received.add(m.getMsgId());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        long t1 = System.currentTimeMillis();
        consumer.start();

        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline && !received.containsAll(expected)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        int got = 0;
        for (String id : expected) {
            if (received.contains(id)) {
                got++;
            }
        }
        emit("{\"type\":\"done\",\"sent\":" + expected.size() + ",\"received\":" + got
            + ",\"sendMs\":" + sendMs + ",\"consumeMs\":" + (System.currentTimeMillis() - t1) + "}");
        // Skip the slow graceful shutdown of the client (netty event loops); offsets need not be persisted.
        System.exit(got == expected.size() ? 0 : 3);
    }
}
