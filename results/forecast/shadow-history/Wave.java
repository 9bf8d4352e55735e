import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A light recorded workload: one thread whose CPU duty follows a 5-minute wave with spikes, and a heap sawtooth. */
public class Wave {
  public static void main(String[] args) throws Exception {
    long end = System.currentTimeMillis() + Long.parseLong(args[0]) * 1000;
    Random random = new Random();
    List<byte[]> heap = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    while (System.currentTimeMillis() < end) {
      double t = (System.currentTimeMillis() - t0) / 1000.0;
      double duty = 0.03 + 0.12 * (1 + Math.sin(2 * Math.PI * t / 300)) / 2 + (random.nextInt(120) == 0 ? 0.3 : 0);
      long busyUntil = System.nanoTime() + (long) (duty * 100_000_000L);
      double x = 0;
      while (System.nanoTime() < busyUntil) {
        x += Math.sqrt(x + 1);
      }
      if (x < 0) System.out.println(x);
      heap.add(new byte[64 * 1024]);
      if (heap.size() > 400 + 300 * Math.sin(2 * Math.PI * t / 900)) heap.clear();
      Thread.sleep((long) ((1 - duty) * 100));
    }
  }
}
