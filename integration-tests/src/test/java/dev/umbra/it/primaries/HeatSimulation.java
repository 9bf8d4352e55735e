package dev.umbra.it.primaries;

import dev.umbra.api.Checkpointable;
import dev.umbra.api.Umbra;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A primary for the checkpoint ITs: explicit 1-D heat diffusion on a ring, a deterministic
 * iterative computation whose result (a digest of the final field's bits) is the same on every
 * fault-free run. At {@link #FAULT_STEP} it waits until the test creates {@code fault} in the
 * working folder (or {@code fault.done} exists: the fault was injected already, by an earlier
 * run or before a rollback); it then consumes the trigger and injects the fault: a hot spot
 * corrupts the field and the run starts leaking 4 MB per step (heap growth the shadow sees).
 *
 * <p>Usage: {@code HeatSimulation <app|plain> <steps> <stepMillis>}; {@code app} registers the
 * field as a {@link Checkpointable} (quiesced by holding the step lock), {@code plain} does not.
 */
public final class HeatSimulation implements Checkpointable {
  static final int CELLS = 4096;
  static final int FAULT_STEP = 100;
  static final int LEAK_CAP_CHUNKS = 150;

  private final ReentrantLock lock = new ReentrantLock();
  private double[] field = new double[CELLS];
  private double[] next = new double[CELLS];
  private int step;
  /** The misbehaviour: memory a corrupted run holds on to. Not part of the state. */
  private final List<byte[]> leak = new ArrayList<>();
  private boolean leaking;

  HeatSimulation() {
    for (int i = 0; i < CELLS; i++) {
      field[i] = Math.sin(i * 0.01) + (i % 97) * 1e-3;
    }
  }

  /** One explicit diffusion step with a small periodic source. */
  void advance() {
    double[] f = field;
    for (int i = 0; i < CELLS; i++) {
      double left = f[(i + CELLS - 1) % CELLS];
      double right = f[(i + 1) % CELLS];
      next[i] = f[i] + 0.2 * (left - 2 * f[i] + right) + 1e-4 * Math.cos(step * 0.05 + i);
    }
    field = next;
    next = f;
    step++;
  }

  /** SHA-256 of the field's bits: equal only when every cell is bit-for-bit equal. */
  String digest() throws Exception {
    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8);
    for (double v : field) {
      b.clear();
      b.putLong(Double.doubleToRawLongBits(v));
      d.update(b.array());
    }
    return java.util.HexFormat.of().formatHex(d.digest());
  }

  /** The fault-free result, computed without sleeping, for the test to compare. */
  public static String expected(int steps) throws Exception {
    HeatSimulation sim = new HeatSimulation();
    while (sim.step < steps) {
      sim.advance();
    }
    return sim.digest();
  }

  @Override
  public String name() {
    return "heat-field";
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(step);
    for (double v : field) {
      data.writeDouble(v);
    }
    data.flush();
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    step = data.readInt();
    for (int i = 0; i < CELLS; i++) {
      field[i] = data.readDouble();
    }
    leak.clear();
    leaking = false;
    System.out.println("restored at step " + step);
  }

  @Override
  public void beforeCheckpoint() {
    lock.lock();
  }

  @Override
  public void afterCheckpoint() {
    lock.unlock();
  }

  public static void main(String[] args) throws Exception {
    boolean app = args[0].equals("app");
    int steps = Integer.parseInt(args[1]);
    long stepMillis = Long.parseLong(args[2]);
    HeatSimulation sim = new HeatSimulation();
    if (app) {
      Umbra.register(sim);
    }
    System.out.println("simulation started (" + args[0] + ", " + steps + " steps)");
    Path trigger = Path.of("fault");
    Path done = Path.of("fault.done");
    while (true) {
      sim.lock.lock();
      try {
        if (sim.step >= steps) {
          break;
        }
        if (sim.step == FAULT_STEP && !Files.exists(done)) {
          if (!Files.exists(trigger)) {
            continue; // wait for the test (outside the lock, below)
          }
          Files.move(trigger, done, StandardCopyOption.ATOMIC_MOVE);
          sim.field[CELLS / 2] += 1e6;
          sim.leaking = true;
          System.out.println("fault injected at step " + sim.step);
        }
        sim.advance();
        if (sim.leaking && sim.leak.size() < LEAK_CAP_CHUNKS) {
          sim.leak.add(new byte[4 << 20]);
        }
      } finally {
        sim.lock.unlock();
        Thread.sleep(stepMillis);
      }
    }
    System.out.println("result " + sim.digest() + " after " + steps + " steps");
  }
}
