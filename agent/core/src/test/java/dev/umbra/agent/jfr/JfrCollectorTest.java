package dev.umbra.agent.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.log.AgentThreads;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The JFR stream of a real JVM (this one): what it reports as the application's allocation. */
class JfrCollectorTest {
  private static final long MB = 1 << 20;
  private static volatile byte[] sink;

  @Test
  void allocationOfAgentThreads_isNotTheApplications() throws Exception {
    try (JfrCollector collector = JfrCollector.start(Sampling.preset(Criticality.NORMAL), 8).orElseThrow()) {
      // JFR needs a moment before its stream delivers; wait until an application allocation shows
      long seen = 0;
      while (seen < 8 * MB) {
        allocate(16);
        Thread.sleep(200);
        seen += collector.drain(System.currentTimeMillis(), Duration.ofSeconds(1), 5).allocatedBytes();
      }

      // the agent allocates 800 MB, then the application 200 MB: JFR delivers a flush's events
      // together, so once the application's have arrived the agent's earlier ones have too. (A
      // sample's weight is what its thread allocated since its previous sample, so the test
      // thread allocates a little while it waits: its next samples carry the 200 MB.)
      Thread agent = AgentThreads.single("test-allocator").newThread(() -> allocate(800));
      agent.start();
      agent.join();
      allocate(200);
      long total = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (total < 150 * MB && System.nanoTime() < deadline) {
        allocate(1);
        Thread.sleep(200);
        total += collector.drain(System.currentTimeMillis(), Duration.ofSeconds(1), 5).allocatedBytes();
      }
      for (int i = 0; i < 8; i++) { // anything of the same flush still on its way
        allocate(1);
        Thread.sleep(200);
      }
      total += collector.drain(System.currentTimeMillis(), Duration.ofSeconds(1), 5).allocatedBytes();

      assertThat(total).as("allocation reported (MB), of 200 by the application and 800 by the agent")
          .isGreaterThanOrEqualTo(150 * MB).isLessThan(500 * MB);
    }
  }

  private static void allocate(int megabytes) {
    for (int i = 0; i < megabytes; i++) {
      sink = new byte[(int) MB];
    }
  }
}
