package dev.umbra.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AllocationTest {

  @Test
  void refusesNonPositiveOrNonFiniteAmounts() {
    assertThatThrownBy(() -> Allocation.cpu(0)).hasMessageContaining("cpuCores must be finite and > 0, was 0.0");
    assertThatThrownBy(() -> Allocation.cpu(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Allocation.memory(-1)).hasMessageContaining("memoryBytes must be > 0, was -1");
    assertThatThrownBy(() -> Allocation.heap(0)).hasMessageContaining("heapBytes");
    assertThatThrownBy(() -> new Allocation(null, OptionalLong.empty(), OptionalLong.empty()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void listsTheKindsThatAreSet() {
    assertThat(Allocation.empty().kinds()).isEmpty();
    assertThat(Allocation.empty().isEmpty()).isTrue();
    assertThat(Allocation.of(1.5, 1 << 20).kinds()).containsExactlyInAnyOrder(ResourceKind.CPU, ResourceKind.MEMORY);
    assertThat(Allocation.heap(1).kinds()).containsExactly(ResourceKind.HEAP);
  }

  @Test
  void formatsForPeople() {
    assertThat(Allocation.of(1.5, 512L << 20).withHeapBytes(1_000_000).toString())
        .isEqualTo("cpu=1.5 memory=512MiB heap=1000000B");
    assertThat(Allocation.cpu(0.3333333).toString()).isEqualTo("cpu=0.333 memory=- heap=-");
    assertThat(new Allocation(OptionalDouble.of(2), OptionalLong.empty(), OptionalLong.empty()).toString())
        .startsWith("cpu=2 ");
  }
}
