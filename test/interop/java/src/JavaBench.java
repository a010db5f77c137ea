import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

/**
 * The official Java client's send throughput, with the same scenarios as bench/client-bench.ts, so the
 * two clients can be compared against one broker. Prints one JSON line per scenario.
 * Args: namesrvAddr topic seconds size
 */
public class JavaBench {
  public static void main(String[] args) throws Exception {
    String namesrv = args[0];
    String topic = args[1];
    long seconds = Long.parseLong(args[2]);
    byte[] body = new byte[Integer.parseInt(args[3])];
    DefaultMQProducer producer = new DefaultMQProducer("java_bench_" + System.nanoTime());
    producer.setNamesrvAddr(namesrv);
    producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
    producer.start();
    try {
      for (int i = 0; i < 2000; i++) producer.send(new Message(topic, body));
      report("sync send, 1 in flight", syncSend(producer, topic, body, seconds));
      report("async send, window 128", asyncSend(producer, topic, body, seconds, 128));
      report("batch of 32, window 16", batchSend(producer, topic, body, seconds, 16, 32));
    } finally {
      producer.shutdown();
    }
  }

  static void report(String scenario, long[] countAndNanos) {
    double secs = countAndNanos[1] / 1e9;
    System.out.println("{\"scenario\":\"" + scenario + "\",\"messages\":" + countAndNanos[0] + ",\"seconds\":" + secs + "}");
  }

  static long[] syncSend(DefaultMQProducer producer, String topic, byte[] body, long seconds) throws Exception {
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    long count = 0;
    while (System.nanoTime() < deadline) {
      producer.send(new Message(topic, body));
      count++;
    }
    return new long[] {count, System.nanoTime() - start};
  }

  static long[] asyncSend(DefaultMQProducer producer, String topic, byte[] body, long seconds, int window) throws Exception {
    Semaphore permits = new Semaphore(window);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      permits.acquire();
      producer.send(new Message(topic, body), new SendCallback() {
        public void onSuccess(SendResult result) {
          done.incrementAndGet();
          permits.release();
        }
        public void onException(Throwable e) {
          permits.release();
        }
      });
    }
    permits.acquire(window);
    return new long[] {done.get(), System.nanoTime() - start};
  }

  static long[] batchSend(DefaultMQProducer producer, String topic, byte[] body, long seconds, int threads, int batchSize) throws Exception {
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        try {
          while (System.nanoTime() < deadline) {
            List<Message> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) batch.add(new Message(topic, body));
            producer.send(batch);
            done.addAndGet(batchSize);
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) worker.join();
    return new long[] {done.get(), System.nanoTime() - start};
  }
}
