package dev.umbra.it.primaries;

import java.util.ArrayList;
import java.util.List;

/**
 * A primary with one injected fault: {@code args[0]} seconds (or, with {@code cue}, until a line
 * arrives on stdin) of steady light work (one thread
 * busy ~15 % of the time, a heap sawtooth), then {@code args[1]} seconds of fault (every core
 * busy and ~160 MB retained), then {@code args[2]} seconds steady again. Prints
 * {@code phase steady|fault|recovered|done} as it enters each.
 */
public final class SpikeWorkload {
  private static volatile long sink;

  private SpikeWorkload() {}

  public static void main(String[] args) throws Exception {
    boolean onCue = args[0].equals("cue");
    long steady = onCue ? 0 : Long.parseLong(args[0]);
    long fault = Long.parseLong(args[1]);
    long after = Long.parseLong(args[2]);
    phase("steady");
    if (onCue) {
      // steady until a line arrives on stdin: the test starts the fault once the shadow has learnt
      Thread cue = new Thread(() -> {
        try {
          new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine();
        } catch (java.io.IOException e) {
          // stdin closed: start the fault anyway
        }
      }, "cue");
      cue.setDaemon(true);
      cue.start();
      while (cue.isAlive()) {
        work(1, 1, 0.15, 0);
      }
    } else {
      work(steady, 1, 0.15, 0);
    }
    phase("fault");
    work(fault, Math.max(2, Runtime.getRuntime().availableProcessors()), 0.95, 160);
    phase("recovered");
    work(after, 1, 0.15, 0);
    phase("done");
  }

  private static void phase(String name) {
    System.out.println("phase " + name);
    System.out.flush();
  }

  /** {@code threads} threads busy {@code duty} of every 100 ms, while {@code retainMb} MB are held. */
  private static void work(long seconds, int threads, double duty, int retainMb) throws InterruptedException {
    List<byte[]> retained = new ArrayList<>();
    for (int i = 0; i < retainMb; i++) {
      retained.add(new byte[1 << 20]);
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        List<byte[]> garbage = new ArrayList<>();
        while (System.nanoTime() < end) {
          long busyUntil = System.nanoTime() + (long) (duty * 100_000_000L);
          while (System.nanoTime() < busyUntil) {
            sink += new StringBuilder().append(sink).append('x').toString().hashCode();
          }
          garbage.add(new byte[64 << 10]); // a heap sawtooth: 640 KB/s per thread, dropped every ~8 s
          if (garbage.size() > 120) {
            garbage.clear();
          }
          try {
            Thread.sleep((long) ((1 - duty) * 100));
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "spike-worker-" + t);
      w.start();
      workers.add(w);
    }
    for (Thread w : workers) {
      w.join();
    }
    sink += retained.size();
  }
}
