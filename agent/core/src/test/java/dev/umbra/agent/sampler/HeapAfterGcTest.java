package dev.umbra.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class HeapAfterGcTest {
  static volatile List<byte[]> kept;

  @Test
  void followsWhatACollectionLeaves_notWhatWasAllocated() {
    HeapAfterGc heap = new HeapAfterGc();
    heap.sample(); // whatever the JVM collected before
    kept = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      kept.add(new byte[1 << 20]);
    }
    System.gc();
    OptionalDouble withKept = heap.sample();
    kept = null;
    System.gc();
    OptionalDouble without = heap.sample();

    assertThat(withKept).isPresent();
    assertThat(without).isPresent();
    assertThat(withKept.getAsDouble()).isGreaterThanOrEqualTo(64 << 20).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(withKept.getAsDouble() - without.getAsDouble()).as("the 64 MB freed").isGreaterThan(48 << 20);
  }

  @Test
  void reportsNothing_whenNoCollectorExists() {
    assertThat(new HeapAfterGc(List.of(), List.of()).sample()).isEmpty();
  }
}
