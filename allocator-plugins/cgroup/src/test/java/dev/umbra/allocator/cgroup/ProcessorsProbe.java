package dev.umbra.allocator.cgroup;

/**
 * Run as a child JVM by {@link RealCgroupTest}: prints {@code Runtime.availableProcessors()} each
 * time it changes, polling every 50 ms, for at most 60 s.
 */
final class ProcessorsProbe {

  private ProcessorsProbe() {}

  public static void main(String[] args) throws InterruptedException {
    int last = -1;
    long end = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < end) {
      int now = Runtime.getRuntime().availableProcessors();
      if (now != last) {
        System.out.println("processors " + now);
        System.out.flush();
        last = now;
      }
      Thread.sleep(50);
    }
  }
}
