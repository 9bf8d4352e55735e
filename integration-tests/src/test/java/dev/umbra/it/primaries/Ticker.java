package dev.umbra.it.primaries;

import java.security.MessageDigest;

/**
 * A primary whose throughput is easy to read: it hashes a buffer in a loop and prints
 * "tick <second> <iterations>" every second for {@code args[0]} seconds, then "done" and
 * exits 0. Allocates a little per iteration so that GC and allocation series move.
 *
 * <p>With {@code cue} as {@code args[1]} it ends earlier, at the first line on stdin
 * ({@link StdinCue}).
 */
public final class Ticker {
  private Ticker() {}

  public static void main(String[] args) throws Exception {
    int seconds = Integer.parseInt(args[0]);
    StdinCue cue = StdinCue.fromSecondArgument(args);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] data = new byte[4096];
    System.out.println("ticker started");
    long start = System.nanoTime();
    for (int second = 1; second <= seconds; second++) {
      long until = start + second * 1_000_000_000L;
      long iterations = 0;
      while (System.nanoTime() < until && !cue.given()) {
        data[(int) (iterations % data.length)]++;
        sha.update(data);
        byte[] digest = sha.digest();
        data[0] ^= digest[0];
        iterations++;
      }
      if (cue.given()) {
        break; // part of a second: no tick
      }
      System.out.println("tick " + second + " " + iterations);
    }
    System.out.println("done");
  }
}
