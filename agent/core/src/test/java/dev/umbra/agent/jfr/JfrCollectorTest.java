package dev.umbra.agent.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.log.AgentThreads;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** The JFR stream of a real JVM (this one): what it reports as the application's allocation. */
class JfrCollectorTest {
  private static final long MB = 1 << 20;
  private static volatile byte[] sink;

  @Test
  void allocationOfAgentThreads_isNotTheApplications() throws Exception {
    try (JfrCollector collector = JfrCollector.start(Sampling.preset(Criticality.NORMAL), 8).orElseThrow()) {
      // JFR needs a moment before its stream delivers: wait until an allocation shows
      long seen = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (seen < 8 * MB && System.nanoTime() < deadline) {
        allocate(16);
        Thread.sleep(200);
        seen += drain(collector);
      }
      assertThat(seen).as("JFR delivered allocation samples").isGreaterThanOrEqualTo(8 * MB);

      // the same 200 MB, spread over about a second, once on an agent thread, once on a plain one.
      // (JFR samples at most 50 allocations a second, each weighing what its thread allocated
      // since its previous sample: spread out, nearly all of a thread's bytes are weighed.)
      long byAgent = allocatedOn(AgentThreads.single("test-allocator"), collector);
      long byApplication = allocatedOn(Thread::new, collector);

      System.out.printf("JfrCollectorTest: 200 MB reported as %d MB on an agent thread, %d MB on a plain one%n", byAgent / MB, byApplication / MB);
      assertThat(byApplication).as("an application thread's 200 MB, reported (bytes)").isGreaterThanOrEqualTo(100 * MB);
      assertThat(byAgent).as("an agent thread's 200 MB, reported (bytes)").isLessThan(byApplication / 5);
    }
  }

  /** What the collector reports while a thread made by {@code threads} allocates 200 MB, until it reports nothing more. */
  private static long allocatedOn(ThreadFactory threads, JfrCollector collector) throws InterruptedException {
    untilQuiet(collector); // what came before is not counted
    Thread t = threads.newThread(() -> {
      for (int i = 0; i < 200; i++) {
        sink = new byte[(int) MB];
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    });
    t.start();
    t.join();
    return untilQuiet(collector);
  }

  /** What the collector reports until 3 s bring nothing more (JFR delivers a flush about every second). */
  private static long untilQuiet(JfrCollector collector) throws InterruptedException {
    long total = 0;
    int quiet = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (quiet < 15 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      long more = drain(collector);
      total += more;
      quiet = more == 0 ? quiet + 1 : 0;
    }
    return total;
  }

  private static long drain(JfrCollector collector) {
    return collector.drain(System.currentTimeMillis(), Duration.ofSeconds(1), 5).allocatedBytes();
  }

  private static void allocate(int megabytes) {
    for (int i = 0; i < megabytes; i++) {
      sink = new byte[(int) MB];
    }
  }
}
