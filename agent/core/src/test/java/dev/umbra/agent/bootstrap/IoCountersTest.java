package dev.umbra.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IoCountersTest {
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
