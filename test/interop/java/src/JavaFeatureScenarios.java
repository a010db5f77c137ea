import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Feature scenarios of the official Java client (4.9.x and 5.x, remoting) for the interop harness: compiled and run by
 * test/interop/support/java-client.ts, asserted by test/interop/embedded-java-features.interop-spec.ts.
 * One source file (the harness compiles a single file), compiling against both client versions; the one class whose
 * package moved between 4.x and 5.x (MessageModel) is reached by reflection.
 *
 * Usage: JavaFeatureScenarios <namesrvAddr> <scenario> <topic> [--count N] [--timeout MS] [scenario options]
 *   send-modes      sync, async, one-way and batch sends (N each), then one clustering push consumer
 *   ordered         --keys K: N messages per sharding key through a MessageQueueSelector, MessageListenerOrderly
 *   delay           --level L (repeatable): N messages per delay level, plus N with no delay, plus N with
 *                   --timer-ms MS (TIMER_DELAY_MS) when given; push consumer
 *   transaction     N messages each for COMMIT, ROLLBACK, UNKNOWN (check-back answers COMMIT) and UNKNOWN_ROLLBACK
 *                   (check-back answers ROLLBACK)
 *   broadcast       two BROADCASTING consumers of one group (different instanceName)
 *   clustering      two CLUSTERING consumers of one group, started (and rebalanced) before N messages are sent
 *   resume          --group G --phase P: sends N messages "P-i" and consumes with group G until they all arrived,
 *                   letting the client commit its offsets to the broker; a later JVM (next phase) must only get its own
 *   tag-filter      N messages with tags TagA/TagB/TagC in turn; consumer subscribes "TagA || TagB"
 *   sql-filter      N messages with a=i, color=red|blue; --sql EXPR --expect M (repeatable): one group per expression
 *   retry-dlq       --max-reconsume R: a listener that always answers RECONSUME_LATER, then a consumer of %DLQ%group
 *   ordered-dlq     --max-reconsume R: N messages on one queue, an orderly listener that always answers
 *                   SUSPEND_CURRENT_QUEUE_A_MOMENT (retried in the client), then a consumer of %DLQ%group
 *   request-reply   N synchronous and N callback requests answered via MessageUtil.createReplyMessage
 *
 * Output: one JSON object per line on stdout (fields depend on the scenario; see each method), ending with
 * {"type":"done",...}. Exit status 0 when the scenario's wait condition was met, 3 on timeout, 2 on a send error.
 */
public final class JavaFeatureScenarios {
    private static String namesrv;
    private static String topic;
    private static int count = 5;
    private static long timeoutMs = 60000;
    private static final List<String> multiArgs = new ArrayList<>();
    private static final Map<String, String> options = new HashMap<>();
    private static final String RUN = ProcessHandle.current().pid() + "_" + System.currentTimeMillis();

    private JavaFeatureScenarios() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length < 3) {
            System.err.println("usage: JavaFeatureScenarios <namesrvAddr> <scenario> <topic> [options]");
            System.exit(64);
        }
        namesrv = argv[0];
        String scenario = argv[1];
        topic = argv[2];
        for (int i = 3; i < argv.length; i++) {
            String name = argv[i];
            String value = argv[++i];
            switch (name) {
                case "--count": count = Integer.parseInt(value); break;
                case "--timeout": timeoutMs = Long.parseLong(value); break;
                case "--level":
                case "--sql":
                case "--expect":
                    multiArgs.add(name + "=" + value);
                    break;
                default: options.put(name, value);
            }
        }
        boolean ok;
        switch (scenario) {
            case "send-modes": ok = sendModes(); break;
            case "ordered": ok = ordered(); break;
            case "delay": ok = delay(); break;
            case "transaction": ok = transaction(); break;
            case "broadcast": ok = broadcast(); break;
            case "clustering": ok = clustering(); break;
            case "resume": ok = resume(); break;
            case "tag-filter": ok = tagFilter(); break;
            case "sql-filter": ok = sqlFilter(); break;
            case "retry-dlq": ok = retryThenDlq(); break;
            case "ordered-dlq": ok = orderedThenDlq(); break;
            case "request-reply": ok = requestReply(); break;
            default:
                System.err.println("unknown scenario " + scenario);
                System.exit(64);
                return;
        }
        // Skip the slow graceful shutdown of the client (netty event loops); offsets need not be persisted.
        System.exit(ok ? 0 : 3);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Scenarios
    // ------------------------------------------------------------------------------------------------------------

    /** send lines {mode, i, msgId, status}; recv lines; done {expected, received}. */
    private static boolean sendModes() throws Exception {
        DefaultMQProducer producer = startProducer("SendModesPG");
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            SendResult r = producer.send(message("TagSync", "sync-" + i));
            expected.add(r.getMsgId());
            emit(sendLine("sync", i, r));
        }
        CountDownLatch callbacks = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            final int index = i;
            producer.send(message("TagAsync", "async-" + i), new SendCallback() {
                @Override
                public void onSuccess(SendResult r) {
                    expected.add(r.getMsgId());
                    emit(sendLine("async", index, r));
                    callbacks.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    emit(new Json().put("type", "sendError").put("mode", "async").put("i", index).put("error", describe(e)));
                    callbacks.countDown();
                }
            });
        }
        if (!callbacks.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            emit(new Json().put("type", "sendError").put("mode", "async").put("error", "callbacks timed out"));
            System.exit(2);
        }
        for (int i = 0; i < count; i++) {
            Message m = message("TagOneway", "oneway-" + i);
            producer.sendOneway(m);
            // the client stamps the unique id (the msgId consumers see) on the message before sending it
            String id = MessageClientIDSetter.getUniqID(m);
            expected.add(id);
            emit(new Json().put("type", "send").put("mode", "oneway").put("i", i).put("msgId", id));
        }
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(message("TagBatch", "batch-" + i));
        }
        SendResult br = producer.send((Collection<Message>) batch);
        String[] batchIds = br.getMsgId().split(",");
        for (int i = 0; i < batch.size(); i++) {
            expected.add(batchIds[i]);
            emit(new Json().put("type", "send").put("mode", "batch").put("i", i).put("msgId", batchIds[i])
                .put("uniqId", MessageClientIDSetter.getUniqID(batch.get(i)))
                .put("status", String.valueOf(br.getSendStatus())).put("queueId", br.getMessageQueue().getQueueId())
                .put("queueOffset", br.getQueueOffset()));
        }

        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer("SendModesCG", "c");
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener(concurrently("c", received, null));
        consumer.start();
        boolean ok = waitFor(() -> received.containsAll(expected), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", expected.size()).put("received", received.size()));
        return ok;
    }

    /** send lines {key, seq, msgId, queueId}; recv lines (in consume order) with props orderKey, seq. */
    private static boolean ordered() throws Exception {
        int keys = Integer.parseInt(options.getOrDefault("--keys", "4"));
        DefaultMQProducer producer = startProducer("OrderedPG");
        for (int seq = 0; seq < count; seq++) {
            for (int k = 0; k < keys; k++) {
                Message m = message("TagOrder", "order-" + k + "-" + seq);
                m.putUserProperty("orderKey", "key-" + k);
                m.putUserProperty("seq", Integer.toString(seq));
                SendResult r = producer.send(m, (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size()), k);
                emit(new Json().put("type", "send").put("key", "key-" + k).put("seq", seq).put("msgId", r.getMsgId())
                    .put("status", String.valueOf(r.getSendStatus())).put("queueId", r.getMessageQueue().getQueueId()));
            }
        }
        int total = keys * count;
        AtomicInteger received = new AtomicInteger();
        DefaultMQPushConsumer consumer = consumer("OrderedCG", "c");
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                emit(recvLine("c", m));
                received.incrementAndGet();
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
        boolean ok = waitFor(() -> received.get() >= total, timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", total).put("received", received.get()));
        return ok;
    }

    /** send lines {level, msgId}; recv lines carry bornTs/recvTs and the DELAY property. */
    private static boolean delay() throws Exception {
        List<Integer> levels = new ArrayList<>();
        levels.add(0);
        for (String a : multiArgs) {
            if (a.startsWith("--level=")) {
                levels.add(Integer.parseInt(a.substring("--level=".length())));
            }
        }
        DefaultMQProducer producer = startProducer("DelayPG");
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int level : levels) {
            for (int i = 0; i < count; i++) {
                Message m = message("TagDelay", "delay-" + level + "-" + i);
                if (level > 0) {
                    m.setDelayTimeLevel(level);
                }
                m.putUserProperty("level", Integer.toString(level));
                SendResult r = producer.send(m);
                expected.add(r.getMsgId());
                emit(sendLine("delay", i, r).put("level", level));
            }
        }
        // a timer delay (5.x Message.setDelayTimeMs sets this property; written directly so that 4.x compiles too)
        long timerMs = Long.parseLong(options.getOrDefault("--timer-ms", "0"));
        for (int i = 0; timerMs > 0 && i < count; i++) {
            Message m = message("TagTimer", "timer-" + i);
            MessageAccessor.putProperty(m, "TIMER_DELAY_MS", Long.toString(timerMs));
            m.putUserProperty("timerMs", Long.toString(timerMs));
            SendResult r = producer.send(m);
            expected.add(r.getMsgId());
            emit(sendLine("timer", i, r).put("timerMs", timerMs));
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer("DelayCG", "c");
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener(concurrently("c", received, null));
        consumer.start();
        boolean ok = waitFor(() -> received.containsAll(expected), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", expected.size()).put("received", received.size()));
        return ok;
    }

    /**
     * Message property txAction says what the local transaction answers. send lines {action, msgId, state, status};
     * check lines {msgId, action} for each check-back; recv lines.
     */
    private static boolean transaction() throws Exception {
        TransactionMQProducer producer = new TransactionMQProducer("TxPG_" + RUN);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("tx_" + RUN);
        producer.setSendMsgTimeout(10000);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                String action = msg.getUserProperty("txAction");
                emit(new Json().put("type", "execute").put("msgId", MessageClientIDSetter.getUniqID(msg)).put("action", action));
                switch (action) {
                    case "COMMIT": return LocalTransactionState.COMMIT_MESSAGE;
                    case "ROLLBACK": return LocalTransactionState.ROLLBACK_MESSAGE;
                    default: return LocalTransactionState.UNKNOW;
                }
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                String action = msg.getUserProperty("txAction");
                emit(new Json().put("type", "check").put("msgId", MessageClientIDSetter.getUniqID(msg))
                    .put("transactionId", msg.getTransactionId()).put("action", action));
                // UNKNOWN is decided COMMIT on check-back; UNKNOWN_ROLLBACK (and anything asked about wrongly) ROLLBACK
                return "UNKNOWN".equals(action) ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
            }
        });
        producer.start();
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (String action : new String[] {"COMMIT", "ROLLBACK", "UNKNOWN", "UNKNOWN_ROLLBACK"}) {
            for (int i = 0; i < count; i++) {
                Message m = message("TagTx", "tx-" + action + "-" + i);
                m.putUserProperty("txAction", action);
                TransactionSendResult r = producer.sendMessageInTransaction(m, null);
                if (action.equals("COMMIT") || action.equals("UNKNOWN")) {
                    expected.add(r.getMsgId());
                }
                emit(sendLine("transaction", i, r).put("action", action)
                    .put("state", String.valueOf(r.getLocalTransactionState())));
            }
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer("TxCG", "c");
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener(concurrently("c", received, null));
        consumer.start();
        boolean ok = waitFor(() -> received.containsAll(expected), timeoutMs);
        // leave time for a wrongly kept rolled-back half message to be checked and show up
        TimeUnit.MILLISECONDS.sleep(Long.parseLong(options.getOrDefault("--settle", "3000")));
        emit(new Json().put("type", "done").put("expected", expected.size()).put("received", received.size()));
        return ok;
    }

    /** Two consumers c1 and c2 of one BROADCASTING group; recv lines carry the consumer name. */
    private static boolean broadcast() throws Exception {
        DefaultMQProducer producer = startProducer("BroadcastPG");
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            SendResult r = producer.send(message("TagB", "broadcast-" + i));
            expected.add(r.getMsgId());
            emit(sendLine("sync", i, r));
        }
        String group = "BroadcastCG_" + RUN;
        Map<String, Set<String>> received = new HashMap<>();
        for (String name : new String[] {"c1", "c2"}) {
            Set<String> got = ConcurrentHashMap.newKeySet();
            received.put(name, got);
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
            configure(consumer, name);
            setMessageModel(consumer, "BROADCASTING");
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener(concurrently(name, got, null));
            consumer.start();
        }
        boolean ok = waitFor(() -> received.get("c1").containsAll(expected) && received.get("c2").containsAll(expected), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", expected.size())
            .put("c1", received.get("c1").size()).put("c2", received.get("c2").size()));
        return ok;
    }

    /**
     * Consumers c1 and c2 of one clustering group share the queues: both start (the topic made to exist by a warm-up
     * message they do not subscribe to) and rebalance before the N messages are sent.
     */
    private static boolean clustering() throws Exception {
        DefaultMQProducer producer = startProducer("ClusterPG");
        producer.send(message("Warmup", "warm-up"));
        String group = "ClusterCG_" + RUN;
        Set<String> received = ConcurrentHashMap.newKeySet();
        for (String name : new String[] {"c1", "c2"}) {
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
            configure(consumer, name);
            consumer.subscribe(topic, "TagCluster");
            consumer.registerMessageListener(concurrently(name, received, null));
            consumer.start();
        }
        // both consumers registered: the broker tells c1 that c2 joined and each rebalances to half of the queues
        TimeUnit.MILLISECONDS.sleep(Long.parseLong(options.getOrDefault("--rebalance-wait", "3000")));
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            SendResult r = producer.send(message("TagCluster", "cluster-" + i));
            expected.add(r.getMsgId());
            emit(sendLine("sync", i, r));
        }
        boolean ok = waitFor(() -> received.containsAll(expected), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", expected.size()).put("received", received.size()));
        return ok;
    }

    /** One phase of a group that stops and starts again: consumes what it sends, commits offsets, exits. */
    private static boolean resume() throws Exception {
        String group = options.get("--group");
        String phase = options.getOrDefault("--phase", "1");
        DefaultMQProducer producer = startProducer("ResumePG");
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            SendResult r = producer.send(message("TagResume", phase + "-" + i));
            expected.add(r.getMsgId());
            emit(sendLine("sync", i, r));
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        configure(consumer, "c");
        consumer.setPersistConsumerOffsetInterval(500);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener(concurrently("c", received, null));
        consumer.start();
        boolean ok = waitFor(() -> received.containsAll(expected), timeoutMs);
        settle();
        // the graceful shutdown persists the consumed offsets to the broker (on top of the periodic commits)
        consumer.shutdown();
        emit(new Json().put("type", "done").put("expected", expected.size()).put("received", received.size()));
        return ok;
    }

    /** Tags TagA, TagB, TagC in turn; the consumer subscribes "TagA || TagB". */
    private static boolean tagFilter() throws Exception {
        DefaultMQProducer producer = startProducer("TagPG");
        String[] tags = {"TagA", "TagB", "TagC"};
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            String tag = tags[i % tags.length];
            SendResult r = producer.send(message(tag, "tag-" + i));
            if (!"TagC".equals(tag)) {
                expected.add(r.getMsgId());
            }
            emit(sendLine("sync", i, r).put("tags", tag));
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer("TagCG", "c");
        consumer.subscribe(topic, "TagA || TagB");
        consumer.registerMessageListener(concurrently("c", received, null));
        consumer.start();
        boolean ok = waitFor(() -> received.containsAll(expected), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", expected.size()).put("received", received.size()));
        return ok;
    }

    /** Message i has user properties a=i and color=red (even i) or blue; consumer k uses the k-th --sql. */
    private static boolean sqlFilter() throws Exception {
        DefaultMQProducer producer = startProducer("SqlPG");
        for (int i = 0; i < count; i++) {
            Message m = message("TagS", "sql-" + i);
            m.putUserProperty("a", Integer.toString(i));
            m.putUserProperty("color", i % 2 == 0 ? "red" : "blue");
            emit(sendLine("sync", i, producer.send(m)).put("a", i));
        }
        List<String> sqls = new ArrayList<>();
        List<Integer> expects = new ArrayList<>();
        for (String a : multiArgs) {
            if (a.startsWith("--sql=")) {
                sqls.add(a.substring("--sql=".length()));
            } else if (a.startsWith("--expect=")) {
                expects.add(Integer.parseInt(a.substring("--expect=".length())));
            }
        }
        List<AtomicInteger> counts = new ArrayList<>();
        for (int k = 0; k < sqls.size(); k++) {
            AtomicInteger n = new AtomicInteger();
            counts.add(n);
            String name = "sql" + k;
            DefaultMQPushConsumer consumer = consumer("SqlCG" + k, name);
            consumer.subscribe(topic, MessageSelector.bySql(sqls.get(k)));
            consumer.registerMessageListener(concurrently(name, null, n));
            consumer.start();
        }
        boolean ok = waitFor(() -> {
            for (int k = 0; k < counts.size(); k++) {
                if (counts.get(k).get() < expects.get(k)) {
                    return false;
                }
            }
            return true;
        }, timeoutMs);
        settle();
        Json done = new Json().put("type", "done");
        for (int k = 0; k < counts.size(); k++) {
            done.put("sql" + k, counts.get(k).get());
        }
        emit(done);
        return ok;
    }

    /**
     * attempt lines (consumer "c", always RECONSUME_LATER) with reconsumeTimes; once every message has failed
     * maxReconsume+1 times, a consumer of %DLQ%group ("dlq") prints recv lines.
     */
    private static boolean retryThenDlq() throws Exception {
        int maxReconsume = Integer.parseInt(options.getOrDefault("--max-reconsume", "2"));
        DefaultMQProducer producer = startProducer("RetryPG");
        Set<String> sent = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            SendResult r = producer.send(message("TagRetry", "retry-" + i));
            sent.add(r.getMsgId());
            emit(sendLine("sync", i, r));
        }
        String group = "RetryCG_" + RUN;
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        configure(consumer, "c");
        consumer.setMaxReconsumeTimes(maxReconsume);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                emit(recvLine("attempt", "c", m));
                attempts.merge(m.getMsgId(), 1, Integer::sum);
            }
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        consumer.start();
        boolean failedEnough = waitFor(() -> {
            for (String id : sent) {
                if (attempts.getOrDefault(id, 0) < maxReconsume + 1) {
                    return false;
                }
            }
            return true;
        }, timeoutMs);

        Set<String> dead = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer dlqConsumer = consumer("DlqReaderCG", "dlq");
        dlqConsumer.subscribe("%DLQ%" + group, "*");
        dlqConsumer.registerMessageListener(concurrently("dlq", dead, null));
        dlqConsumer.start();
        boolean ok = failedEnough && waitFor(() -> dead.containsAll(sent), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", sent.size()).put("dead", dead.size()).put("group", group));
        return ok;
    }

    /**
     * attempt lines of an orderly consumer ("c") that always suspends; past maxReconsume local retries the client sends
     * the message to %RETRY%group, which the broker puts straight into %DLQ%group (the group holds queue locks);
     * a consumer of the DLQ ("dlq") prints recv lines.
     */
    private static boolean orderedThenDlq() throws Exception {
        int maxReconsume = Integer.parseInt(options.getOrDefault("--max-reconsume", "2"));
        DefaultMQProducer producer = startProducer("OrderedRetryPG");
        Set<String> sent = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < count; i++) {
            SendResult r = producer.send(message("TagOrderRetry", "ordered-retry-" + i), (mqs, msg, arg) -> mqs.get(0), null);
            sent.add(r.getMsgId());
            emit(sendLine("sync", i, r));
        }
        String group = "OrderedRetryCG_" + RUN;
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        configure(consumer, "c");
        consumer.setMaxReconsumeTimes(maxReconsume);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
            ctx.setSuspendCurrentQueueTimeMillis(100);
            for (MessageExt m : msgs) {
                emit(recvLine("attempt", "c", m));
                attempts.merge(m.getMsgId(), 1, Integer::sum);
            }
            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
        });
        consumer.start();
        Set<String> dead = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer dlqConsumer = consumer("OrderedDlqReaderCG", "dlq");
        dlqConsumer.subscribe("%DLQ%" + group, "*");
        dlqConsumer.registerMessageListener(concurrently("dlq", dead, null));
        dlqConsumer.start();
        boolean ok = waitFor(() -> dead.containsAll(sent), timeoutMs);
        settle();
        emit(new Json().put("type", "done").put("expected", sent.size()).put("dead", dead.size()).put("group", group));
        return ok;
    }

    /**
     * A responder (push consumer + producer) answers each request with MessageUtil.createReplyMessage; reply lines
     * {mode: sync|callback, i, body, correlationId} for each answered request.
     */
    private static boolean requestReply() throws Exception {
        DefaultMQProducer responder = startProducer("ResponderPG");
        // create the request topic first: a consumer of a topic that does not exist yet only picks it up at its
        // next rebalance (rocketmq.client.rebalance.waitInterval, 20 s by default)
        responder.send(message("Warmup", "warm-up"));
        AtomicInteger served = new AtomicInteger();
        DefaultMQPushConsumer server = consumer("ResponderCG", "server");
        server.subscribe(topic, "TagReq");
        server.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                try {
                    Message reply = MessageUtil.createReplyMessage(m, ("reply-to-" + body).getBytes(StandardCharsets.UTF_8));
                    SendResult r = responder.send(reply);
                    emit(new Json().put("type", "served").put("body", body).put("replyTopic", reply.getTopic())
                        .put("status", String.valueOf(r.getSendStatus()))
                        .put("correlationId", m.getProperty(MessageConst.PROPERTY_CORRELATION_ID)));
                    served.incrementAndGet();
                } catch (Exception e) {
                    emit(new Json().put("type", "serveError").put("body", body).put("error", describe(e)));
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        server.start();

        DefaultMQProducer requester = startProducer("RequesterPG");
        int answered = 0;
        for (int i = 0; i < count; i++) {
            Message request = message("TagReq", "sync-request-" + i);
            try {
                Message reply = requester.request(request, 20000);
                answered++;
                emit(replyLine("sync", i, request, reply));
            } catch (Exception e) {
                emit(new Json().put("type", "requestError").put("mode", "sync").put("i", i).put("error", describe(e)));
            }
        }
        CountDownLatch callbacks = new CountDownLatch(count);
        AtomicInteger callbackAnswers = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            final int index = i;
            final Message request = message("TagReq", "callback-request-" + i);
            requester.request(request, new RequestCallback() {
                @Override
                public void onSuccess(Message reply) {
                    // both clients also call onSuccess(null) once the request itself is sent (executeRequestCallback
                    // in the send callback): that is not an answer
                    if (reply == null) {
                        emit(new Json().put("type", "requestSent").put("mode", "callback").put("i", index));
                        return;
                    }
                    callbackAnswers.incrementAndGet();
                    emit(replyLine("callback", index, request, reply));
                    callbacks.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    emit(new Json().put("type", "requestError").put("mode", "callback").put("i", index).put("error", describe(e)));
                    callbacks.countDown();
                }
            }, 20000);
        }
        callbacks.await(timeoutMs, TimeUnit.MILLISECONDS);
        // a reply can reach the requester before the responder's send returns: wait for its "served" lines too
        waitFor(() -> served.get() >= 2 * count, 10000);
        emit(new Json().put("type", "done").put("expected", 2 * count).put("answered", answered + callbackAnswers.get()));
        return answered + callbackAnswers.get() == 2 * count;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Client set-up
    // ------------------------------------------------------------------------------------------------------------

    private static DefaultMQProducer startProducer(String groupPrefix) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(groupPrefix + "_" + RUN);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(groupPrefix + "_" + RUN);
        producer.setSendMsgTimeout(10000);
        producer.setRetryTimesWhenSendFailed(1);
        producer.start();
        return producer;
    }

    private static DefaultMQPushConsumer consumer(String groupPrefix, String name) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(groupPrefix + "_" + RUN);
        configure(consumer, name);
        return consumer;
    }

    private static void configure(DefaultMQPushConsumer consumer, String name) {
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(name + "_" + RUN);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        // topics created while the consumer runs (the DLQ, a request topic) are found within a second, not 30 s
        consumer.setPollNameServerInterval(1000);
        // After a rebalance the client bumps its subscription version and sends a heartbeat, but skips it when another
        // heartbeat of the instance is in flight; the broker then answers pulls SUBSCRIPTION_NOT_LATEST until the
        // next periodic heartbeat (30 s by default; Apache's broker does the same), so heartbeat every second.
        consumer.setHeartbeatBrokerInterval(1000);
    }

    /** MessageModel moved from org.apache.rocketmq.common.protocol.heartbeat (4.x) to ...remoting.protocol... (5.x). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setMessageModel(DefaultMQPushConsumer consumer, String model) throws Exception {
        for (Method m : DefaultMQPushConsumer.class.getMethods()) {
            if (m.getName().equals("setMessageModel")) {
                Class<? extends Enum> type = (Class<? extends Enum>) m.getParameterTypes()[0];
                m.invoke(consumer, Enum.valueOf(type, model));
                return;
            }
        }
        throw new IllegalStateException("DefaultMQPushConsumer.setMessageModel not found");
    }

    private static MessageListenerConcurrently concurrently(String name, Set<String> ids, AtomicInteger counter) {
        return (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                // emit before recording, so that every message counted in "done" has had its line printed
                emit(recvLine(name, m));
                if (ids != null) {
                    ids.add(m.getMsgId());
                }
                if (counter != null) {
                    counter.incrementAndGet();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        };
    }

    private static Message message(String tag, String body) {
        return new Message(topic, tag, body, body.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean waitFor(BooleanSupplier condition, long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /** After the expected messages arrived: a moment for duplicates or unwanted messages to show up. */
    private static void settle() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(Long.parseLong(options.getOrDefault("--settle", "1500")));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Output
    // ------------------------------------------------------------------------------------------------------------

    private static Json sendLine(String mode, int i, SendResult r) {
        return new Json().put("type", "send").put("mode", mode).put("i", i).put("msgId", r.getMsgId())
            .put("status", String.valueOf(r.getSendStatus())).put("brokerName", r.getMessageQueue().getBrokerName())
            .put("queueId", r.getMessageQueue().getQueueId()).put("queueOffset", r.getQueueOffset());
    }

    private static Json recvLine(String consumer, MessageExt m) {
        return recvLine("recv", consumer, m);
    }

    private static Json recvLine(String type, String consumer, MessageExt m) {
        Json j = new Json().put("type", type).put("consumer", consumer).put("msgId", m.getMsgId())
            .put("topic", m.getTopic()).put("tags", m.getTags()).put("body", new String(m.getBody(), StandardCharsets.UTF_8))
            .put("queueId", m.getQueueId()).put("queueOffset", m.getQueueOffset())
            .put("reconsumeTimes", m.getReconsumeTimes()).put("bornTs", m.getBornTimestamp())
            .put("storeTs", m.getStoreTimestamp()).put("recvTs", System.currentTimeMillis());
        Json props = new Json();
        for (Map.Entry<String, String> e : m.getProperties().entrySet()) {
            props.put(e.getKey(), e.getValue());
        }
        return j.putRaw("props", props.toString());
    }

    private static Json replyLine(String mode, int i, Message request, Message reply) {
        return new Json().put("type", "reply").put("mode", mode).put("i", i)
            .put("requestBody", new String(request.getBody(), StandardCharsets.UTF_8))
            .put("body", new String(reply.getBody(), StandardCharsets.UTF_8))
            .put("correlationId", reply.getProperty(MessageConst.PROPERTY_CORRELATION_ID))
            .put("requestCorrelationId", request.getProperty(MessageConst.PROPERTY_CORRELATION_ID))
            .put("replyTopic", reply.getTopic());
    }

    private static synchronized void emit(Json line) {
        System.out.println(line);
        System.out.flush();
    }

    /** The exception and its causes on one line (the client wraps the broker's answer). */
    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (b.length() > 0) {
                b.append(" | caused by: ");
            }
            b.append(t.toString().replace('\n', ' '));
        }
        return b.toString();
    }

    /** A flat JSON object written field by field. */
    private static final class Json {
        private final StringBuilder b = new StringBuilder("{");

        Json put(String key, String value) {
            return putRaw(key, quote(value));
        }

        Json put(String key, long value) {
            return putRaw(key, Long.toString(value));
        }

        Json putRaw(String key, String json) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append(quote(key)).append(':').append(json);
            return this;
        }

        @Override
        public String toString() {
            return b + "}";
        }

        static String quote(String s) {
            if (s == null) {
                return "null";
            }
            StringBuilder q = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': q.append("\\\""); break;
                    case '\\': q.append("\\\\"); break;
                    case '\n': q.append("\\n"); break;
                    case '\r': q.append("\\r"); break;
                    case '\t': q.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            q.append(String.format("\\u%04x", (int) c));
                        } else {
                            q.append(c);
                        }
                }
            }
            return q.append('"').toString();
        }
    }
}
