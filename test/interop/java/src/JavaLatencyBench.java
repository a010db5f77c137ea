import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * The official Java client's end-to-end latency, as bench/client-bench.ts's latencyBench measures ours:
 * a push consumer reads a topic while a producer sends at a fixed rate (ticks of 10 ms, async sends);
 * latency = handler time - born timestamp. Prints one JSON line.
 * Args: namesrvAddr topic seconds size ratePerSecond
 */
public class JavaLatencyBench {
  public static void main(String[] args) throws Exception {
    String namesrv = args[0];
    String topic = args[1];
    long seconds = Long.parseLong(args[2]);
    byte[] body = new byte[Integer.parseInt(args[3])];
    int rate = Integer.parseInt(args[4]);

    DefaultMQProducer producer = new DefaultMQProducer("java_lat_pg_" + System.nanoTime());
    producer.setNamesrvAddr(namesrv);
    producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
    producer.start();
    producer.send(new Message(topic, body)); // creates the topic

    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("java_lat_cg_" + System.nanoTime());
    consumer.setNamesrvAddr(namesrv);
    consumer.setConsumeThreadMin(64);
    consumer.setConsumeThreadMax(64);
    consumer.subscribe(topic, "*");
    consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
      long now = System.currentTimeMillis();
      for (MessageExt m : messages) latencies.add(now - m.getBornTimestamp());
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    consumer.start();
    Thread.sleep(3000); // rebalance settles
    latencies.clear();

    int tickMs = 10;
    int perTick = Math.max(1, Math.round(rate * tickMs / 1000f));
    long ticks = seconds * 1000 / tickMs;
    AtomicLong sent = new AtomicLong();
    long started = System.nanoTime();
    for (long t = 0; t < ticks; t++) {
      for (int i = 0; i < perTick; i++) {
        producer.send(new Message(topic, body), new SendCallback() {
          public void onSuccess(SendResult result) {}
          public void onException(Throwable e) {}
        });
        sent.incrementAndGet();
      }
      long next = started + (t + 1) * tickMs * 1_000_000L;
      long waitNanos = next - System.nanoTime();
      if (waitNanos > 0) Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (latencies.size() < sent.get() && System.currentTimeMillis() < deadline) Thread.sleep(20);
    double elapsed = (System.nanoTime() - started) / 1e9;
    consumer.shutdown();
    producer.shutdown();

    long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    System.out.println("{\"scenario\":\"end-to-end at " + String.format("%,d", rate) + " msg/s\",\"messages\":" + sorted.length
        + ",\"seconds\":" + elapsed + ",\"sent\":" + sent.get() + ",\"p50\":" + percentile(sorted, 50) + ",\"p99\":" + percentile(sorted, 99) + "}");
  }

  static long percentile(long[] sorted, int p) {
    if (sorted.length == 0) return 0;
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p / 100.0 * sorted.length))];
  }
}
