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
    assertThat(Allocation.diskRead(1).withDiskWriteBytesPerSecond(2).kinds())
        .containsExactlyInAnyOrder(ResourceKind.DISK_READ, ResourceKind.DISK_WRITE);
  }

  @Test
  void refusesNonPositiveDiskBandwidth() {
    assertThatThrownBy(() -> Allocation.diskRead(0)).hasMessageContaining("diskReadBytesPerSecond must be > 0, was 0");
    assertThatThrownBy(() -> Allocation.diskWrite(-5)).hasMessageContaining("diskWriteBytesPerSecond must be > 0, was -5");
  }

  @Test
  void theFirstVersionsConstructorLeavesDiskBandwidthUnset() {
    Allocation old = new Allocation(OptionalDouble.of(1), OptionalLong.of(2), OptionalLong.empty());

    assertThat(old.diskReadBytesPerSecond()).isEmpty();
    assertThat(old.diskWriteBytesPerSecond()).isEmpty();
    assertThat(old).isEqualTo(Allocation.of(1, 2));
  }

  @Test
  void withSetsWhatTheChangeHas_andKeepsTheRest() {
    Allocation before = Allocation.of(1, 64L << 20).withDiskReadBytesPerSecond(10L << 20);

    Allocation after = before.with(Allocation.diskWrite(5L << 20).withCpuCores(2));

    assertThat(after).isEqualTo(Allocation.of(2, 64L << 20).withDiskReadBytesPerSecond(10L << 20)
        .withDiskWriteBytesPerSecond(5L << 20));
    assertThat(before.with(Allocation.empty())).isEqualTo(before);
  }

  @Test
  void formatsForPeople() {
    assertThat(Allocation.of(1.5, 512L << 20).withHeapBytes(1_000_000).toString())
        .isEqualTo("cpu=1.5 memory=512MiB heap=1000000B");
    assertThat(Allocation.cpu(0.3333333).toString()).isEqualTo("cpu=0.333 memory=- heap=-");
    assertThat(new Allocation(OptionalDouble.of(2), OptionalLong.empty(), OptionalLong.empty()).toString())
        .startsWith("cpu=2 ");
    assertThat(Allocation.diskWrite(5L << 20).toString()).isEqualTo("cpu=- memory=- heap=- diskRead=- diskWrite=5MiB/s");
  }
}
