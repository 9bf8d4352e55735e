package dev.umbra.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IoCountersTest {
  @AfterEach
  void restoreFullDetail() {
    IoCounters.recordDetail(IoCounters.DETAIL_FULL);
    IoCounters.endpoints().drain((kind, key, port, bytes, ops, lt, lm, seq, random) -> {});
  }

  private static long endpointOps(Object key) {
    List<Long> ops = new ArrayList<>();
    IoCounters.endpoints().drain((kind, k, port, bytes, n, lt, lm, seq, random) -> {
      if (k == key) {
        ops.add(n);
      }
    });
    return ops.stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void keepsTotalsExact_andSamplesTheBreakdown_atSampledDetail() {
    IoCounters.recordDetail(IoCounters.DETAIL_SAMPLED);
    Object peer = new Object();
    long bytesBefore = IoCounters.netRxBytes();
    long opsBefore = IoCounters.netOps();

    for (int i = 0; i < 16_000; i++) {
      IoCounters.socket(IoCounters.SOCKET_READ, peer, 1, 10, IoCounters.start());
    }

    assertThat(IoCounters.start()).isZero(); // nothing is timed below full detail
    assertThat(IoCounters.sampleEvery()).isEqualTo(IoCounters.SAMPLE_EVERY);
    assertThat(IoCounters.netRxBytes() - bytesBefore).isEqualTo(160_000);
    assertThat(IoCounters.netOps() - opsBefore).isEqualTo(16_000);
    // 1,000 expected samples of weight 16: binomial, 6 standard deviations is about +-190
    assertThat(endpointOps(peer)).isBetween(16L * 810, 16L * 1_190).matches(n -> n % 16 == 0);
  }

  @Test
  void recordsEveryLargeOperation_atSampledDetail() {
    IoCounters.recordDetail(IoCounters.DETAIL_SAMPLED);
    Object file = new Object();

    for (int i = 0; i < 3; i++) {
      IoCounters.file(IoCounters.FILE_WRITE, file, IoCounters.ALWAYS_RECORDED_BYTES, IoCounters.start());
    }

    // a sampled small operation would count 16 times: three large ones count once each, exactly
    assertThat(endpointOps(file)).isEqualTo(3);
  }

  @Test
  void recordsNoBreakdown_whenDetailIsOff() {
    IoCounters.recordDetail(IoCounters.DETAIL_OFF);
    Object peer = new Object();
    long before = IoCounters.netTxBytes();

    IoCounters.socket(IoCounters.SOCKET_WRITE, peer, 1, 10, IoCounters.start());

    assertThat(IoCounters.netTxBytes() - before).isEqualTo(10);
    assertThat(endpointOps(peer)).isZero();
    assertThat(IoCounters.sampleEvery()).isZero();
  }
  @Test
  void countsBytesAndOperations_onApplicationThreads() {
    long readBefore = IoCounters.diskReadBytes();
    long opsBefore = IoCounters.diskOps();

    IoCounters.file(IoCounters.FILE_READ, "/x", 100, IoCounters.start());
    IoCounters.file(IoCounters.FILE_READ, "/x", -1, IoCounters.start());

    assertThat(IoCounters.diskReadBytes() - readBefore).isEqualTo(100);
    assertThat(IoCounters.diskOps() - opsBefore).isEqualTo(2);
  }

  @Test
  void skipsOperationsThatMovedNothing() {
    long before = IoCounters.netOps();

    IoCounters.socket(IoCounters.SOCKET_READ, "peer", 1, 0, IoCounters.start());

    assertThat(IoCounters.netOps()).isEqualTo(before);
  }

  @Test
  void skipsTheAgentsOwnThreads() throws Exception {
    long before = IoCounters.netTxBytes();
    Thread agent = new AgentThread(
        () -> IoCounters.socket(IoCounters.SOCKET_WRITE, "shadow", 7070, 4096, IoCounters.start()), "umbra-test");

    agent.start();
    agent.join();

    assertThat(agent.isDaemon()).isTrue();
    assertThat(IoCounters.netTxBytes()).isEqualTo(before);
  }
}
