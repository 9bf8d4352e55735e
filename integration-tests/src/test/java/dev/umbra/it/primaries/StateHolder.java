package dev.umbra.it.primaries;

import dev.umbra.api.Checkpointable;
import dev.umbra.api.Umbra;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Registers {@code args[0]} MiB of pseudo-random state and idles; each restore checks the bytes
 * against the originals and prints {@code restore ok} or {@code restore MISMATCH}. The
 * checkpoint benchmark's primary.
 */
public final class StateHolder implements Checkpointable {
  private final byte[] original;
  private final byte[] state;

  StateHolder(int mebibytes) {
    original = new byte[mebibytes << 20];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < original.length; i += 8) {
      long v = random.nextLong();
      for (int j = 0; j < 8 && i + j < original.length; j++) {
        original[i + j] = (byte) (v >>> (8 * j));
      }
    }
    state = original.clone();
  }

  @Override
  public String name() {
    return "blob";
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    out.write(state);
  }

  @Override
  public void restore(InputStream in) throws IOException {
    Arrays.fill(state, (byte) 0);
    int n = in.readNBytes(state, 0, state.length);
    boolean ok = n == state.length && in.read() < 0 && Arrays.equals(state, original);
    System.out.println(ok ? "restore ok" : "restore MISMATCH");
  }

  public static void main(String[] args) throws Exception {
    StateHolder holder = new StateHolder(Integer.parseInt(args[0]));
    Umbra.register(holder);
    System.out.println("state holder ready with " + args[0] + " MiB");
    Thread.sleep(Long.MAX_VALUE);
  }
}
