package dev.umbra.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointTableTest {
  record Row(int kind, Object key, int port, long bytes, long ops, long latencyTotal, long latencyMax, long seq, long random) {}

  private static List<Row> drain(EndpointTable table) {
    List<Row> rows = new ArrayList<>();
    table.drain((kind, key, port, bytes, ops, lt, lm, seq, random) -> rows.add(new Row(kind, key, port, bytes, ops, lt, lm, seq, random)));
    return rows;
  }

  @Test
  void sumsBytesOperationsAndLatency_perEndpointAndKind() {
    EndpointTable table = new EndpointTable(64);
    String path = "/data/db.mv";
    table.record(IoCounters.FILE_READ, path, 0, EndpointTable.UNKNOWN_POSITION, 100, 5_000);
    table.record(IoCounters.FILE_READ, path, 0, EndpointTable.UNKNOWN_POSITION, 50, 9_000);
    table.record(IoCounters.FILE_WRITE, path, 0, EndpointTable.UNKNOWN_POSITION, 7, 1_000);

    List<Row> rows = drain(table);

    assertThat(rows).containsExactlyInAnyOrder(
        new Row(IoCounters.FILE_READ, path, 0, 150, 2, 14_000, 9_000, 2, 0),
        new Row(IoCounters.FILE_WRITE, path, 0, 7, 1, 1_000, 1_000, 1, 0));
  }

  @Test
  void countsASampledOperationWithItsWeight_withoutLatencyOrAccessPattern() {
    EndpointTable table = new EndpointTable(64);
    Object peer = new Object();
    table.recordSampled(IoCounters.SOCKET_WRITE, peer, 80, 4_096, 16);
    table.recordSampled(IoCounters.SOCKET_WRITE, peer, 80, 100, 16);

    assertThat(drain(table)).containsExactly(new Row(IoCounters.SOCKET_WRITE, peer, 80, 16 * 4_196, 32, 0, 0, 0, 0));
  }

  @Test
  void sendsSampledOperationsWithoutAKey_toTheOverflowWithTheirWeight() {
    EndpointTable table = new EndpointTable(64);
    table.recordSampled(IoCounters.FILE_READ, null, 0, 10, 16);

    assertThat(drain(table)).containsExactly(new Row(IoCounters.FILE_READ, null, 0, 160, 16, 0, 0, 0, 0));
  }

  @Test
  void tellsSequentialFromRandomAccess_byPosition() {
    EndpointTable table = new EndpointTable(64);
    String path = "/data/file";
    table.record(IoCounters.FILE_READ, path, 0, 0, 10, 1);     // first: sequential
    table.record(IoCounters.FILE_READ, path, 0, 10, 10, 1);    // continues at 10: sequential
    table.record(IoCounters.FILE_READ, path, 0, 500, 10, 1);   // jumps: random
    table.record(IoCounters.FILE_READ, path, 0, EndpointTable.UNKNOWN_POSITION, 10, 1); // stream op at 510: sequential
    table.seek(path, 4096);
    table.record(IoCounters.FILE_READ, path, 0, EndpointTable.UNKNOWN_POSITION, 10, 1); // after a seek away: random

    Row row = drain(table).get(0);

    assertThat(row.seq()).isEqualTo(3);
    assertThat(row.random()).isEqualTo(2);
  }

  @Test
  void keepsSocketPeersApart_byPort() {
    EndpointTable table = new EndpointTable(64);
    Object address = new Object();
    table.record(IoCounters.SOCKET_READ, address, 0, EndpointTable.UNKNOWN_POSITION, 10, 1);
    table.record(IoCounters.SOCKET_READ, address, 0, EndpointTable.UNKNOWN_POSITION, 10, 1);

    table.record(IoCounters.SOCKET_READ, address, 1, EndpointTable.UNKNOWN_POSITION, 10, 1);

    assertThat(drain(table)).extracting(Row::port, Row::bytes)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(0, 20L), org.assertj.core.groups.Tuple.tuple(1, 10L));
  }

  @Test
  void countsIntoTheOverflow_whenNoSlotIsFree() {
    EndpointTable table = new EndpointTable(8);
    long total = 0;
    for (int i = 0; i < 100; i++) {
      table.record(IoCounters.FILE_WRITE, "file-" + i, 0, EndpointTable.UNKNOWN_POSITION, i, 1);
      total += i;
    }

    List<Row> rows = drain(table);

    assertThat(rows).hasSizeLessThanOrEqualTo(9);
    assertThat(rows).anyMatch(r -> r.key() == null);
    assertThat(rows.stream().mapToLong(Row::bytes).sum()).isEqualTo(total);
    assertThat(rows.stream().mapToLong(Row::ops).sum()).isEqualTo(100);
  }

  @Test
  void resetsOnDrain_andFreesSlotsIdleForTwoDrains() {
    EndpointTable table = new EndpointTable(8);
    table.record(IoCounters.FILE_READ, "a", 0, EndpointTable.UNKNOWN_POSITION, 1, 1);
    assertThat(drain(table)).hasSize(1);
    assertThat(drain(table)).isEmpty();
    drain(table);

    for (int i = 0; i < 8; i++) {
      table.record(IoCounters.FILE_READ, "b" + i, 0, EndpointTable.UNKNOWN_POSITION, 1, 1);
    }

    assertThat(drain(table)).noneMatch(r -> r.key() == null);
  }

  @Test
  void countsEveryOperation_underConcurrentWriters() throws Exception {
    EndpointTable table = new EndpointTable(64);
    String path = "/shared";
    Thread[] writers = new Thread[4];
    for (int t = 0; t < writers.length; t++) {
      writers[t] = new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          table.record(IoCounters.FILE_WRITE, path, 0, EndpointTable.UNKNOWN_POSITION, 2, 1);
        }
      });
      writers[t].start();
    }
    for (Thread writer : writers) {
      writer.join();
    }

    Row row = drain(table).get(0);

    assertThat(row.ops()).isEqualTo(200_000);
    assertThat(row.bytes()).isEqualTo(400_000);
  }
}
