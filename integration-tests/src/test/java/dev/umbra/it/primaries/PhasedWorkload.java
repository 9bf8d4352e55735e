package dev.umbra.it.primaries;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A primary whose CPU and memory demand follows a schedule of phases, open loop: every 100 ms
 * window each worker owes its share of the phase's CPU (calibrated in thread CPU time, so the
 * demand does not depend on how busy the machine is) and allocates garbage in proportion; a
 * retainer keeps the phase's live set (256 KiB arrays, every page touched). A window that cannot
 * be finished in time (throttling, contention) delays the ones after it, so the run's completion
 * time and window lateness measure what the primary lost.
 *
 * <p>Arguments: {@code phaseMillis cpuCores(csv) liveMiB(csv) warmCycles measuredCycles resultFile}; the
 * phases repeat {@code warmCycles + measuredCycles} times; the statistics cover the measured
 * cycles only. It prints {@code schedule starts at <epoch ms>} when the schedule is fixed; at the
 * end one line goes to {@code resultFile}: {@code windows=… late=… lateP50Ms=… lateP99Ms=…
 * lateMeanMs=… idealMs=… elapsedMs=… workMs=…} (elapsed: from the first measured window's start
 * to the last window's end). While it runs, {@code resultFile.progress} holds {@code <epoch ms>
 * <windows done, all workers> <CPU work done, µs>}, rewritten every 500 ms, so that a run cut
 * short still says how much work it got through.
 */
public final class PhasedWorkload {
  private static final int WINDOW_MS = 100;
  /** Garbage per CPU-millisecond of work: enough for regular young collections. */
  private static final int GARBAGE_PER_MS = 32 * 1024;

  private static volatile Object sink;

  private PhasedWorkload() {}

  public static void main(String[] args) throws Exception {
    long phaseMillis = Long.parseLong(args[0]);
    double[] cpu = Arrays.stream(args[1].split(",")).mapToDouble(Double::parseDouble).toArray();
    int[] liveMiB = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
    int warmCycles = Integer.parseInt(args[3]);
    int cycles = warmCycles + Integer.parseInt(args[4]);
    Path result = Path.of(args[5]);
    if (cpu.length != liveMiB.length) {
      throw new IllegalArgumentException("as many CPU levels as live-set sizes, one per phase");
    }
    int workers = (int) Math.max(1, Math.ceil(Arrays.stream(cpu).max().orElse(1)));
    double itersPerCpuMs = calibrate();
    long windowsPerPhase = phaseMillis / WINDOW_MS;
    long windows = windowsPerPhase * cpu.length * cycles;
    long warmWindows = windowsPerPhase * cpu.length * warmCycles;
    System.out.printf(Locale.ROOT, "phased workload: %d workers, %.0f iterations/CPU-ms, %d windows%n",
        workers, itersPerCpuMs, windows);
    System.out.flush();
    long start = System.nanoTime() + 50_000_000L;
    System.out.println("schedule starts at " + (System.currentTimeMillis() + 50));
    System.out.flush();
    List<Thread> threads = new ArrayList<>();
    long[][] lateness = new long[workers][(int) windows];
    LongAdder workMicros = new LongAdder();
    AtomicLong done = new AtomicLong();
    AtomicLong windowsDone = new AtomicLong();
    Path progress = Path.of(result + ".progress");
    Thread reporter = new Thread(() -> report(progress, windowsDone, workMicros), "progress");
    reporter.setDaemon(true);
    reporter.start();
    Thread retainer = new Thread(() -> retain(start, phaseMillis, liveMiB, windows * WINDOW_MS), "retainer");
    retainer.setDaemon(true);
    retainer.start();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      Thread t = new Thread(() -> {
        for (int i = 0; i < windows; i++) {
          int phase = (int) ((i / windowsPerPhase) % cpu.length);
          double cpuMs = cpu[phase] * WINDOW_MS / workers;
          spin((long) (cpuMs * itersPerCpuMs), (long) (cpuMs * GARBAGE_PER_MS));
          workMicros.add((long) (cpuMs * 1000));
          windowsDone.incrementAndGet();
          long due = start + (i + 1L) * WINDOW_MS * 1_000_000L;
          long now = System.nanoTime();
          lateness[worker][i] = Math.max(0, now - due);
          if (now < due) {
            sleepNanos(due - now);
          }
        }
        done.incrementAndGet();
      }, "worker-" + w);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = (System.nanoTime() - start) / 1_000_000 - warmWindows * WINDOW_MS;
    long[] all = Arrays.stream(lateness).flatMapToLong(row -> Arrays.stream(row, (int) warmWindows, row.length))
        .sorted().toArray();
    long late = Arrays.stream(all).filter(n -> n > 5_000_000L).count();
    String line = String.format(Locale.ROOT,
        "windows=%d late=%d lateP50Ms=%.1f lateP99Ms=%.1f lateMeanMs=%.1f idealMs=%d elapsedMs=%d workMs=%d%n",
        all.length, late, all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6,
        Arrays.stream(all).average().orElse(0) / 1e6, (windows - warmWindows) * WINDOW_MS, elapsed,
        workMicros.sum() / 1000);
    Files.writeString(result, line);
    System.out.print("phased workload done: " + line);
  }

  /** Rewrites the progress file every 500 ms (write, then rename: readers never see half a line). */
  private static void report(Path progress, AtomicLong windowsDone, LongAdder workMicros) {
    Path tmp = Path.of(progress + ".tmp");
    while (true) {
      try {
        Files.writeString(tmp, System.currentTimeMillis() + " " + windowsDone.get() + " " + workMicros.sum() + "\n");
        Files.move(tmp, progress, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.io.IOException e) {
        // the harness reads what it can; the schedule must not stop for this
      }
      sleepNanos(500_000_000L);
    }
  }

  /**
   * Iterations of {@link #spin} per millisecond of this thread's CPU time, with garbage at
   * {@link #GARBAGE_PER_MS} as the workers make it, after a warm-up. Two passes: the first,
   * without garbage, says how many iterations a millisecond holds, and so how often the second
   * allocates. A calibration without the workers' allocation made every window cost about twice
   * its nominal CPU, so that a phase of 0.8 cores could not be served by one worker.
   */
  private static double calibrate() {
    double perMs = measure(0);
    perMs = measure(perMs);
    return measure(perMs);
  }

  /** Iterations per CPU-ms over 300 ms of spinning, allocating as a worker would at {@code perMs}. */
  private static double measure(double perMs) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long batch = 1_000_000;
    long garbage = perMs > 0 ? (long) (batch / perMs * GARBAGE_PER_MS) : 0;
    spin(20_000_000, perMs > 0 ? (long) (20_000_000 / perMs * GARBAGE_PER_MS) : 0);
    long cpu0 = threads.getCurrentThreadCpuTime();
    long iterations = 0;
    while (threads.getCurrentThreadCpuTime() - cpu0 < 300_000_000L) {
      spin(batch, garbage);
      iterations += batch;
    }
    return iterations / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e6);
  }

  /** {@code iterations} of a xorshift, with a 4 KiB array allocated every so many to make {@code garbageBytes}. */
  private static void spin(long iterations, long garbageBytes) {
    long x = 0x9E3779B97F4A7C15L;
    long every = garbageBytes <= 0 ? Long.MAX_VALUE : Math.max(1, iterations / Math.max(1, garbageBytes / 4096));
    long untilGarbage = every;
    for (long i = 0; i < iterations; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      if (--untilGarbage == 0) { // a countdown, not i % every: a division per iteration cost more than the xorshift
        sink = new byte[4096];
        untilGarbage = every;
      }
    }
    if (x == 42) {
      sink = x;
    }
  }

  /**
   * Keeps the current phase's live set in 256 KiB arrays with every page written (1 MiB arrays
   * would be humongous objects on G1 with 1 MiB regions, taking two regions each).
   */
  private static void retain(long start, long phaseMillis, int[] liveMiB, long totalMillis) {
    List<byte[]> live = new ArrayList<>();
    while (true) {
      long t = (System.nanoTime() - start) / 1_000_000;
      int phase = t < 0 ? 0 : (int) ((t / phaseMillis) % liveMiB.length);
      int target = (t >= totalMillis ? liveMiB[liveMiB.length - 1] : liveMiB[phase]) * 4;
      while (live.size() < target) {
        byte[] chunk = new byte[256 << 10];
        for (int p = 0; p < chunk.length; p += 4096) {
          chunk[p] = 1;
        }
        live.add(chunk);
      }
      while (live.size() > target) {
        live.remove(live.size() - 1);
      }
      sleepNanos(WINDOW_MS * 1_000_000L);
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
