package dev.umbra.agent.bootstrap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * What the I/O advice costs an application thread per operation at each {@code io.detail}
 * level: the exit path of one socket read ({@code IoCounters.start} + {@code IoCounters.socket})
 * in a loop, timed by the thread's own CPU time, so that other processes on the machine change
 * the reading little. A benchmark, not a test (agent/BENCHMARK.md, run 11): it asserts nothing.
 *
 * <pre>
 * mvn -B -q -o -pl agent/core -am test-compile
 * java -cp agent/core/target/test-classes:agent/core/target/classes dev.umbra.agent.bootstrap.IoCountersCost [rounds] [ops]
 * </pre>
 */
public final class IoCountersCost {
  private IoCountersCost() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 20_000_000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Object[] peers = {new Object(), new Object(), new Object(), new Object()};
    String[] names = {"off", "sampled", "full"};
    int[] levels = {IoCounters.DETAIL_OFF, IoCounters.DETAIL_SAMPLED, IoCounters.DETAIL_FULL};
    double[][] nanos = new double[levels.length][rounds];
    for (int warm = 0; warm < 3; warm++) {
      for (int level : levels) {
        run(level, peers, ops / 10, threads);
      }
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < levels.length; i++) { // interleaved: a slow phase of the machine hits every level
        nanos[i][round] = run(levels[i], peers, ops, threads);
      }
    }
    System.out.printf(Locale.ROOT, "| io.detail | CPU per operation (median of %d) | min–max |%n|---|---|---|%n", rounds);
    for (int i = 0; i < levels.length; i++) {
      double[] v = nanos[i].clone();
      java.util.Arrays.sort(v);
      System.out.printf(Locale.ROOT, "| %s | %.1f ns | %.1f–%.1f ns |%n", names[i], v[rounds / 2], v[0], v[rounds - 1]);
    }
    IoCounters.recordDetail(IoCounters.DETAIL_FULL);
  }

  /** CPU ns per operation of the counting path at {@code level}, 4 peers in turn. */
  private static double run(int level, Object[] peers, int ops, ThreadMXBean threads) {
    IoCounters.recordDetail(level);
    long cpu0 = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < ops; i++) {
      IoCounters.socket(IoCounters.SOCKET_READ, peers[i & 3], 8080, 4096, IoCounters.start());
      if ((i & 0xFFFFF) == 0) {
        IoCounters.endpoints().drain((kind, key, port, bytes, n, lt, lm, seq, random) -> {});
      }
    }
    return (threads.getCurrentThreadCpuTime() - cpu0) / (double) ops;
  }
}
