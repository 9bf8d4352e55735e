package dev.umbra.allocator.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.Allocators;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogAllocatorTest {

  private static final Target APP = Target.primary("host-1-1").withPid(42);
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private Allocator open(Map<String, String> settings) throws AllocatorException {
    return Allocators.load("log", AllocatorContext.of(settings).withClock(clock), getClass().getClassLoader());
  }

  @Test
  void startsFromTheBaseline_andKeepsWhatWasRecorded() throws AllocatorException {
    Allocator allocator = open(Map.of("baselineCpu", "1", "baselineMemory", "512m"));
    assertThat(allocator.current(APP)).isEqualTo(Allocation.of(1, 512L << 20));

    ApplyResult result = allocator.apply(APP, Allocation.cpu(2));

    assertThat(result.status()).isEqualTo(ApplyResult.Status.RECOMMENDED_ONLY);
    assertThat(result.tookEffect()).isFalse();
    assertThat(result.reason()).isEqualTo("recorded only, nothing applied: cpu=1 memory=512MiB heap=- -> cpu=2 memory=512MiB heap=-");
    assertThat(allocator.current(APP)).isEqualTo(Allocation.of(2, 512L << 20));
    assertThat(allocator.current(Target.primary("other"))).isEqualTo(Allocation.of(1, 512L << 20));
  }

  @Test
  void recordsEachChangeOnce_withTheClocksTime() throws AllocatorException {
    LogAllocator allocator = (LogAllocator) open(Map.of());

    allocator.apply(APP, Allocation.memory(1L << 30));
    allocator.apply(APP, Allocation.memory(1L << 30));
    allocator.apply(APP, Allocation.heap(1L << 29));

    assertThat(allocator.decisions()).containsExactly(
        new LogEntry(clock.instant(), APP, Allocation.empty(), Allocation.memory(1L << 30)),
        new LogEntry(clock.instant(), APP, Allocation.memory(1L << 30), Allocation.memory(1L << 30).withHeapBytes(1L << 29)));
  }

  @Test
  void recordsDiskBandwidthLikeTheOtherKinds() throws AllocatorException {
    LogAllocator allocator = (LogAllocator) open(Map.of("baselineCpu", "1", "baselineDiskWrite", "50m"));
    assertThat(allocator.supports()).contains(ResourceKind.DISK_READ, ResourceKind.DISK_WRITE);

    ApplyResult result = allocator.apply(APP, Allocation.diskRead(20L << 20));

    assertThat(result.status()).isEqualTo(ApplyResult.Status.RECOMMENDED_ONLY);
    assertThat(result.reason()).isEqualTo("recorded only, nothing applied: cpu=1 memory=- heap=- diskRead=- diskWrite=50MiB/s"
        + " -> cpu=1 memory=- heap=- diskRead=20MiB/s diskWrite=50MiB/s");
    assertThat(allocator.current(APP)).isEqualTo(Allocation.cpu(1).withDiskReadBytesPerSecond(20L << 20)
        .withDiskWriteBytesPerSecond(50L << 20));
    assertThat(allocator.decisions()).hasSize(1);
  }

  @Test
  void keepsOnlyTheConfiguredHistory() throws AllocatorException {
    LogAllocator allocator = (LogAllocator) open(Map.of("history", "2"));

    for (int cores = 1; cores <= 5; cores++) {
      allocator.apply(APP, Allocation.cpu(cores));
    }

    assertThat(allocator.decisions()).extracting(d -> d.desired().cpuCores().getAsDouble()).containsExactly(4.0, 5.0);
  }

  @Test
  void refusesBadSettingsAndEmptyDecisions() throws AllocatorException {
    assertThatThrownBy(() -> open(Map.of("history", "0"))).hasMessageContaining("history='0'");
    assertThatThrownBy(() -> open(Map.of("baselineCpu", "-1"))).hasMessageContaining("bad baseline setting: cpuCores must be finite and > 0");
    assertThatThrownBy(() -> open(Map.of()).apply(APP, Allocation.empty())).hasMessageContaining("nothing to record");
  }
}
