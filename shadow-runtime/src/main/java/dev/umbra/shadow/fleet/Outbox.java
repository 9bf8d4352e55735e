package dev.umbra.shadow.fleet;

import dev.umbra.shadow.threads.ShadowThreads;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded buffer in front of an idempotent Kafka producer. {@link #offer} never blocks: the
 * record joins the queue, and when what waits (queued plus handed to the producer and not yet
 * acknowledged) would pass {@code boundBytes}, the oldest queued records are dropped and
 * counted. One thread, {@code umbra-fleet-send}, hands queued records to the producer in order
 * while less than {@code windowBytes} are unacknowledged (back-pressure: when Kafka is away
 * nothing more is handed over, and the queue absorbs what comes until the bound). Records the
 * producer holds are never dropped, so during a long outage the first {@code windowBytes} and
 * the newest of the rest survive; the window is a quarter of the bound in the shadow.
 *
 * <p>A record is <b>acknowledged</b> when the producer's callback reports success, which with
 * {@code acks=all} means every in-sync replica has it. The producer retries without a deadline,
 * so records it holds survive a broker outage and go out in order once it is back.
 * Thread-safe.
 */
final class Outbox implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Outbox.class);
  /** Kafka is reported down when nothing was acknowledged for this long while records waited. */
  static final long DOWN_AFTER_NANOS = Duration.ofSeconds(10).toNanos();
  static final long RETRY_PAUSE_NANOS = Duration.ofMillis(500).toNanos();

  /** One record to publish; {@code points} counts grid points (0 for events and models). */
  record Item(String topic, String key, byte[] value, long points, long enqueuedNanos) {
    Item {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    long bytes() {
      return value.length + key.length() + 64L; // + record overhead, roughly
    }
  }

  private final Producer<String, byte[]> producer;
  private final long boundBytes;
  private final long windowBytes;
  private final FleetMetrics metrics;
  /** Waiting records by arrival number: a record that failed goes back to its place. */
  private final TreeMap<Long, Item> queued = new TreeMap<>();
  private final Map<Item, Long> numbers = new IdentityHashMap<>();
  private long arrivals;
  /** After a retriable failure nothing is handed over before this (no busy loop while Kafka is away). */
  private long retryAfterNanos;
  private final Thread sender;
  private long queuedBytes;
  private long inFlightBytes;
  private int inFlightRecords;
  private long lastAckNanos = System.nanoTime();
  private long rejectedLogged;
  private boolean stopping;
  private boolean closed;

  /**
   * @param boundBytes what may wait for an acknowledgement at most
   * @param windowBytes what may be handed to the producer and not acknowledged yet (at most
   *     half the producer's {@code buffer.memory}, so that {@code send} never blocks on memory)
   */
  Outbox(Producer<String, byte[]> producer, long boundBytes, long windowBytes, FleetMetrics metrics) {
    this.producer = producer;
    this.boundBytes = boundBytes;
    this.windowBytes = Math.max(1, Math.min(windowBytes, boundBytes));
    this.metrics = metrics;
    this.sender = ShadowThreads.factory("fleet-send", true).newThread(this::sendLoop);
    sender.start();
  }

  /** Queues a record; drops the oldest queued records (or this one) past the bound. */
  void offer(Item item) {
    synchronized (this) {
      if (closed) {
        drop(item, "shutdown");
        return;
      }
      while (queuedBytes + inFlightBytes + item.bytes() > boundBytes && !queued.isEmpty()) {
        Item oldest = queued.pollFirstEntry().getValue();
        numbers.remove(oldest);
        queuedBytes -= oldest.bytes();
        drop(oldest, "buffer-full");
      }
      if (queuedBytes + inFlightBytes + item.bytes() > boundBytes) {
        drop(item, "buffer-full");
        return;
      }
      long number = ++arrivals;
      numbers.put(item, number);
      queued.put(number, item);
      queuedBytes += item.bytes();
      gauges();
      notifyAll();
    }
  }

  private void drop(Item item, String reason) {
    metrics.droppedRecords.labelValues(item.topic(), reason).inc();
    if (item.points() > 0) {
      metrics.droppedPoints.labelValues(reason).inc(item.points());
    }
  }

  private void gauges() {
    metrics.bufferedBytes.set(queuedBytes + inFlightBytes);
    metrics.bufferedRecords.set(queued.size() + inFlightRecords);
  }

  private void sendLoop() {
    while (true) {
      Item next;
      synchronized (this) {
        while (!stopping && (queued.isEmpty() || inFlightBytes >= windowBytes || System.nanoTime() < retryAfterNanos)) {
          if (inFlightRecords > 0 && System.nanoTime() - lastAckNanos > DOWN_AFTER_NANOS) {
            metrics.kafkaUp.set(0);
          }
          try {
            wait(200);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (stopping) {
          return;
        }
        next = queued.pollFirstEntry().getValue();
        queuedBytes -= next.bytes();
        inFlightBytes += next.bytes();
        inFlightRecords++;
      }
      try {
        producer.send(new ProducerRecord<>(next.topic(), next.key(), next.value()), (meta, e) -> done(next, e));
      } catch (KafkaException e) {
        boolean retry = e instanceof RetriableException; // metadata not available: Kafka is away
        synchronized (this) {
          inFlightBytes -= next.bytes();
          inFlightRecords--;
          if (retry && !stopping) {
            requeue(next);
          } else {
            forget(next);
            drop(next, retry ? "shutdown" : "rejected");
            logRejected(next, e);
          }
          gauges();
        }
      }
    }
  }

  private void done(Item item, Exception e) {
    synchronized (this) {
      inFlightBytes -= item.bytes();
      inFlightRecords--;
      if (e == null) {
        forget(item);
        lastAckNanos = System.nanoTime();
        metrics.kafkaUp.set(1);
        metrics.publishedRecords.labelValues(item.topic()).inc();
        if (item.points() > 0) {
          metrics.publishedPoints.inc(item.points());
        }
        metrics.publishDelaySeconds.observe((lastAckNanos - item.enqueuedNanos()) / 1e9);
      } else if (e instanceof RetriableException && !stopping) {
        requeue(item); // e.g. the topic's metadata did not arrive within max.block.ms: Kafka is away
      } else {
        forget(item);
        drop(item, stopping ? "shutdown" : "rejected");
        logRejected(item, e);
      }
      gauges();
      notifyAll();
    }
  }

  /** Puts a record that failed back in its place and pauses handing over (caller holds the lock). */
  private void requeue(Item item) {
    Long number = numbers.get(item);
    queued.put(number != null ? number : ++arrivals, item);
    queuedBytes += item.bytes();
    retryAfterNanos = System.nanoTime() + RETRY_PAUSE_NANOS;
    metrics.kafkaUp.set(0);
  }

  private void forget(Item item) {
    numbers.remove(item);
  }

  private void logRejected(Item item, Exception e) {
    if (rejectedLogged++ % 1000 == 0) {
      logger.error("kafka refused a record topic={} key={} ({} refused so far): {}", item.topic(), item.key(),
          rejectedLogged, e.toString());
    }
  }

  /** Records and bytes that wait for an acknowledgement. */
  synchronized long waitingBytes() {
    return queuedBytes + inFlightBytes;
  }

  /** Blocks until nothing waits for an acknowledgement; false at the deadline. */
  synchronized boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queued.isEmpty() || inFlightRecords > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, Math.min(200, left / 1_000_000)));
    }
    return true;
  }

  /**
   * Refuses new records, gives what waits up to {@code grace} to be acknowledged, then closes the
   * producer; what is still unacknowledged is counted as dropped ("shutdown") and logged.
   */
  void close(Duration grace) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      awaitDrained(grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long lost;
    synchronized (this) {
      stopping = true;
      notifyAll();
      lost = queued.size() + inFlightRecords;
      for (Item item : queued.values()) {
        drop(item, "shutdown");
      }
      numbers.clear();
      queued.clear();
      queuedBytes = 0;
    }
    sender.interrupt();
    try {
      sender.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(2));
    if (lost > 0) {
      logger.error("closed with {} records not acknowledged by kafka; they are not published", lost);
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
