package dev.umbra.allocator.jvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.Allocators;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ApplyResult.Status;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JvmFlagsAllocatorTest {

  private static final long GIB = 1L << 30;
  private static final long MIB = 1L << 20;
  private static final Target PRIMARY = Target.primary("host-7-1700000000");

  private static JvmFacts facts(int jdk, GarbageCollector gc) {
    return new JvmFacts(jdk, gc, 2 * GIB, 8 * MIB, Map.of("SoftMaxHeapSize", "0", "MaxHeapFreeRatio", "70", "MinHeapFreeRatio", "40"));
  }

  private static Allocator open(FakeChannel channel, Map<String, String> settings) throws AllocatorException {
    return Allocators.load("jvm", AllocatorContext.of(settings).withService(JvmFlagsChannel.class, channel),
        JvmFlagsAllocatorTest.class.getClassLoader());
  }

  @Nested
  class WhatTheCollectorDoesWithSoftMaxHeapSize {

    @Test
    void zgcKeepsTheHeapWithinIt() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(17, GarbageCollector.ZGC));

      ApplyResult result = open(channel, Map.of()).apply(PRIMARY, Allocation.heap(GIB));

      assertThat(channel.commands).containsExactly(new FakeChannel.Command(PRIMARY.primaryId(), Map.of("SoftMaxHeapSize", "1073741824"), true));
      assertThat(result.status()).isEqualTo(Status.APPLIED);
      assertThat(result.inEffect()).isEqualTo(Allocation.heap(GIB));
      assertThat(result.reason()).contains("ZGC keeps the heap within it");
    }

    @Test
    void g1BeforeJdk26AcceptsItButIgnoresIt_andWeSaySo() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.G1));
      Allocator allocator = open(channel, Map.of());

      ApplyResult result = allocator.apply(PRIMARY, Allocation.heap(GIB));

      assertThat(result.status()).isEqualTo(Status.NO_EFFECT);
      assertThat(result.tookEffect()).isFalse();
      assertThat(result.inEffect()).as("still bounded by MaxHeapSize").isEqualTo(Allocation.heap(2 * GIB));
      assertThat(result.reason()).contains("accepted but ignored by G1 before JDK 26 (this is JDK 21)", "MaxHeapSize=2GiB");
      assertThat(allocator.current(PRIMARY)).isEqualTo(Allocation.heap(2 * GIB));
    }

    @Test
    void g1FromJdk26HonoursIt() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(26, GarbageCollector.G1));

      assertThat(open(channel, Map.of()).apply(PRIMARY, Allocation.heap(GIB)).status()).isEqualTo(Status.APPLIED);
    }

    @Test
    void parallelIgnoresIt() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(25, GarbageCollector.PARALLEL));

      ApplyResult result = open(channel, Map.of()).apply(PRIMARY, Allocation.heap(GIB));

      assertThat(result.status()).isEqualTo(Status.NO_EFFECT);
      assertThat(result.reason()).contains("ignored by Parallel GC");
    }

    @Test
    void recognisesCollectorsByTheirMxBeanNames() {
      assertThat(GarbageCollector.fromMxBeanNames(List.of("G1 Young Generation", "G1 Old Generation"))).isEqualTo(GarbageCollector.G1);
      assertThat(GarbageCollector.fromMxBeanNames(List.of("ZGC Minor Cycles", "ZGC Major Pauses"))).isEqualTo(GarbageCollector.ZGC);
      assertThat(GarbageCollector.fromMxBeanNames(List.of("Shenandoah Pauses", "Shenandoah Cycles"))).isEqualTo(GarbageCollector.SHENANDOAH);
      assertThat(GarbageCollector.fromMxBeanNames(List.of("PS Scavenge", "PS MarkSweep"))).isEqualTo(GarbageCollector.PARALLEL);
      assertThat(GarbageCollector.fromMxBeanNames(List.of("Copy", "MarkSweepCompact"))).isEqualTo(GarbageCollector.SERIAL);
      assertThat(GarbageCollector.fromMxBeanNames(List.of())).isEqualTo(GarbageCollector.EPSILON);
    }
  }

  @Nested
  class Commands {

    @Test
    void requestsAGcWhenShrinking_butNotWhenGrowing() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(17, GarbageCollector.SHENANDOAH));
      Allocator allocator = open(channel, Map.of());

      allocator.apply(PRIMARY, Allocation.heap(GIB));
      allocator.apply(PRIMARY, Allocation.heap(GIB + 512 * MIB));

      assertThat(channel.commands).extracting(FakeChannel.Command::requestGc).containsExactly(true, false);
    }

    @Test
    void sendsNothing_whenTheValueIsAlreadyInForce() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(17, GarbageCollector.ZGC));
      Allocator allocator = open(channel, Map.of());
      allocator.apply(PRIMARY, Allocation.heap(GIB));

      ApplyResult again = allocator.apply(PRIMARY, Allocation.heap(GIB));

      assertThat(again.status()).isEqualTo(Status.UNCHANGED);
      assertThat(channel.commands).hasSize(1);
    }

    @Test
    void onG1BeforeJdk26_everyShrinkRequestsAGc_evenWithTheFlagsAlreadyInForce() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(17, GarbageCollector.G1));
      Allocator allocator = open(channel, Map.of("maxHeapFreeRatio", "30"));
      allocator.apply(PRIMARY, Allocation.heap(GIB));

      ApplyResult again = allocator.apply(PRIMARY, Allocation.heap(GIB));

      assertThat(channel.commands).extracting(FakeChannel.Command::requestGc).containsExactly(true, true);
      assertThat(channel.commands.get(1).flags()).isEmpty();
      assertThat(again.status()).isEqualTo(Status.NO_EFFECT);
      assertThat(again.reason()).contains("requested a GC in primary", "return memory down to its MaxHeapFreeRatio");
    }

    @Test
    void setsTheConfiguredFreeRatios_raisingMaxBeforeMin() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(17, GarbageCollector.G1));

      ApplyResult result = open(channel, Map.of("minHeapFreeRatio", "80", "maxHeapFreeRatio", "90")).apply(PRIMARY, Allocation.heap(GIB));

      assertThat(channel.commands.get(0).flags().keySet()).containsExactly("MaxHeapFreeRatio", "MinHeapFreeRatio", "SoftMaxHeapSize");
      assertThat(channel.facts.flags()).containsEntry("MinHeapFreeRatio", "80").containsEntry("MaxHeapFreeRatio", "90");
      assertThat(result.status()).isEqualTo(Status.NO_EFFECT);
    }

    @Test
    void saysFreeRatiosAreIgnoredByZgc() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.ZGC));

      ApplyResult result = open(channel, Map.of("maxHeapFreeRatio", "50")).apply(PRIMARY, Allocation.heap(GIB));

      assertThat(result.reason()).contains("Min/MaxHeapFreeRatio are ignored by ZGC");
    }
  }

  @Nested
  class Refusals {

    @Test
    void aboveMaxHeapSize_orBelowTheMinimum_nothingSent() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.ZGC));
      Allocator allocator = open(channel, Map.of());

      assertThatThrownBy(() -> allocator.apply(PRIMARY, Allocation.heap(3 * GIB)))
          .hasMessageContaining("heap 3GiB is above MaxHeapSize=2GiB")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.INVALID_REQUEST);
      assertThatThrownBy(() -> allocator.apply(PRIMARY, Allocation.heap(4 * MIB)))
          .hasMessageContaining("heap 4MiB is below the minimum of 16MiB");
      assertThatThrownBy(() -> allocator.apply(PRIMARY, Allocation.of(1, GIB))).hasMessageContaining("sets the heap only");
      assertThat(channel.commands).isEmpty();
    }

    @Test
    void diskBandwidth_isNotAJvmSetting() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.ZGC));
      Allocator allocator = open(channel, Map.of());

      assertThat(allocator.supports()).doesNotContain(ResourceKind.DISK_READ, ResourceKind.DISK_WRITE);
      assertThatThrownBy(() -> allocator.apply(PRIMARY, Allocation.heap(GIB).withDiskWriteBytesPerSecond(5 * MIB)))
          .hasMessageContaining("the jvm allocator cannot limit disk bandwidth: a JVM has no setting for it")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.INVALID_REQUEST);
      assertThat(channel.commands).isEmpty();
    }

    @Test
    void aMinRatioAboveTheMaxInForce_nothingSent() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.G1));

      assertThatThrownBy(() -> open(channel, Map.of("minHeapFreeRatio", "75")).apply(PRIMARY, Allocation.heap(GIB)))
          .hasMessageContaining("minHeapFreeRatio=75 is above the MaxHeapFreeRatio=70");
      assertThat(channel.commands).isEmpty();
    }

    @Test
    void whatTheJvmRefuses_isReportedWithItsReason() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.ZGC));
      channel.refuse.put("SoftMaxHeapSize", "SoftMaxHeapSize must be less than or equal to the maximum heap size");

      assertThatThrownBy(() -> open(channel, Map.of()).apply(PRIMARY, Allocation.heap(GIB)))
          .hasMessageContaining("refused {SoftMaxHeapSize=SoftMaxHeapSize must be less than or equal to the maximum heap size}; nothing applied")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.REJECTED);
    }

    @Test
    void aPartialApply_saysWhatWasApplied() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.G1));
      channel.refuse.put("SoftMaxHeapSize", "not writeable");

      assertThatThrownBy(() -> open(channel, Map.of("maxHeapFreeRatio", "60")).apply(PRIMARY, Allocation.heap(GIB)))
          .hasMessageContaining("applied {MaxHeapFreeRatio=60}")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.PARTIAL);
    }

    @Test
    void aDisconnectedPrimary_isGone() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.ZGC));
      channel.connected = false;

      assertThatThrownBy(() -> open(channel, Map.of()).apply(PRIMARY, Allocation.heap(GIB)))
          .hasMessage("primary host-7-1700000000 is not connected; nothing applied")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.TARGET_GONE);
    }

    @Test
    void anAgentThatDoesNotAnswer_timesOut() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.ZGC));
      channel.answers = false;

      assertThatThrownBy(() -> open(channel, Map.of("timeout", "50ms")).apply(PRIMARY, Allocation.heap(GIB)))
          .hasMessageContaining("no answer within 50 ms")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNREACHABLE);
    }

    @Test
    void aJdkWithoutSoftMaxHeapSize() throws AllocatorException {
      FakeChannel channel = new FakeChannel(facts(11, GarbageCollector.G1));

      assertThatThrownBy(() -> open(channel, Map.of()).apply(PRIMARY, Allocation.heap(GIB))).hasMessageContaining("JDK 11, which has no SoftMaxHeapSize");
    }

    @Test
    void aHostWithoutAChannel_cannotOpenIt() {
      assertThatThrownBy(() -> Allocators.load("jvm", AllocatorContext.of(Map.of()), getClass().getClassLoader()))
          .hasMessageContaining("the host offers no JvmFlagsChannel")
          .extracting(e -> ((AllocatorException) e).reason()).isEqualTo(Reason.UNAVAILABLE_HERE);
    }

    @Test
    void badRatioSettings() {
      FakeChannel channel = new FakeChannel(facts(21, GarbageCollector.G1));

      assertThatThrownBy(() -> open(channel, Map.of("minHeapFreeRatio", "120"))).hasMessageContaining("minHeapFreeRatio='120' is not a whole percentage");
      assertThatThrownBy(() -> open(channel, Map.of("minHeapFreeRatio", "50", "maxHeapFreeRatio", "40"))).hasMessageContaining("is above maxHeapFreeRatio=40");
    }
  }
}
