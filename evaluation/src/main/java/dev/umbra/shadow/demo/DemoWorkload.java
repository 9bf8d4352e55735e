package dev.umbra.shadow.demo;

import dev.umbra.api.Checkpointable;
import dev.umbra.api.Umbra;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The primary {@code umbra demo} runs: a real JVM with the agent that keeps a ledger (its state,
 * registered as a {@link Checkpointable}, so the app engine checkpoints and restores it in place)
 * and goes through the phases of a {@link DemoPlan}: warm-up, rising memory and CPU, disk and
 * network I/O, then a fault. The fault corrupts the ledger and starts a thread leak: 96 threads,
 * each holding 512 KiB of heap, pile up within a second, blocked on a lock that a spinning thread
 * holds (about one core). A restore brings the ledger back and ends the fault. At the end the workload prints the
 * ledger's digest next to the digest of the same number of steps run without a fault.
 *
 * <p>It prints one line per event for the demo to follow: {@code phase <name>}, {@code fault
 * injected at step <n>}, {@code restored at step <n>}, {@code result <digest> expected <digest>
 * steps <n>}. All its threads but the fault's start at once, so that the thread count moves only
 * with the fault. Usage: {@code DemoWorkload <seconds> <go-file>} (the plan starts once the file exists). Not used outside the demo.
 */
public final class DemoWorkload implements Checkpointable {
  static final int ACCOUNTS = 1 << 16;
  static final int STEPS_PER_SECOND = 50;
  static final int FAULT_THREADS = 96;
  /**
   * What the rising phase comes to hold. With 160 MiB the primary's RSS peaked just under the
   * limits the manager had raised ahead of it (354 MiB against 358 MiB, gate at its default), so no
   * decision could be shown to have come ahead of demand; 224 MiB reaches them. In a 320 MiB heap
   * the primary once died of OutOfMemoryError in this phase (with its young generation, JFR and the
   * agent, too little was left); the heap is 400 MiB.
   */
  static final int RISE_MIB = 224;
  /** A quarter MiB: below half a G1 region of this heap, so never a humongous object. */
  static final int CHUNK = 256 << 10;

  private final ReentrantLock lock = new ReentrantLock();
  private final long[] accounts = new long[ACCOUNTS];
  private int step;
  // the fault: not part of the state; a restore ends it
  private final Object faultLock = new Object();
  private final List<Thread> faultThreads = new ArrayList<>();
  private volatile boolean faulty;
  private static volatile long sink;

  DemoWorkload() {
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts[i] = 1_000;
    }
  }

  /** One step: a deterministic batch of transfers between accounts. */
  void advance() {
    long x = 0x9E3779B97F4A7C15L * (step + 1);
    for (int t = 0; t < 64; t++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      int from = (int) (x & (ACCOUNTS - 1));
      int to = (int) ((x >>> 20) & (ACCOUNTS - 1));
      long amount = Math.min(accounts[from], (x >>> 40) & 15);
      accounts[from] -= amount;
      accounts[to] += amount;
    }
    step++;
  }

  /** SHA-256 of the accounts, short: equal only when every account is equal. */
  String digest() {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(8 * ACCOUNTS);
      for (long a : accounts) {
        b.putLong(a);
      }
      d.update(b.array());
      return HexFormat.of().formatHex(d.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The digest after {@code steps} fault-free steps, computed at once. */
  static String expected(int steps) {
    DemoWorkload clean = new DemoWorkload();
    while (clean.step < steps) {
      clean.advance();
    }
    return clean.digest();
  }

  @Override
  public String name() {
    return "demo-ledger";
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(step);
    for (long a : accounts) {
      data.writeLong(a);
    }
    data.flush();
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    step = data.readInt();
    for (int i = 0; i < ACCOUNTS; i++) {
      accounts[i] = data.readLong();
    }
    boolean wasFaulty = faulty;
    endFault();
    say("restored at step " + step);
    if (wasFaulty) {
      say("phase recovery");
    }
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
    DemoPlan plan = DemoPlan.of(Long.parseLong(args[0]));
    Path go = Path.of(args[1]);
    DemoWorkload ledger = new DemoWorkload();
    Umbra.register(ledger);
    Load load = new Load();
    load.start();
    // the plan's clock starts once the demo sees the agent streaming: on a busy machine the
    // agent's start (I/O hooks, JFR) has taken over a minute, and the detector learns from its data
    say("waiting for the agent to connect");
    while (!Files.exists(go)) {
      Thread.sleep(100);
    }
    long start = System.nanoTime();
    int total = (int) (plan.seconds() * STEPS_PER_SECOND);
    String phase = "";
    while (true) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (elapsed >= plan.seconds()) {
        break;
      }
      DemoPlan.Phase now = plan.at(elapsed);
      if (!now.name().equals(phase)) {
        phase = now.name();
        say("phase " + phase);
        if (phase.equals("fault")) {
          ledger.injectFault();
        }
      }
      load.follow(now, (elapsed - now.fromSecond()) / now.seconds());
      ledger.lock.lock();
      try {
        int due = Math.min(total, (int) (elapsed * STEPS_PER_SECOND));
        while (ledger.step < due) {
          ledger.advance();
        }
      } finally {
        ledger.lock.unlock();
      }
      Thread.sleep(20);
    }
    load.stop();
    String result;
    ledger.lock.lock();
    try {
      while (ledger.step < total) {
        ledger.advance();
      }
      result = ledger.digest();
    } finally {
      ledger.lock.unlock();
    }
    say("result " + result + " expected " + expected(total) + " steps " + total);
    System.exit(0); // the fault's threads, if it was never rolled back, must not keep the JVM alive
  }

  private void injectFault() {
    lock.lock();
    try {
      for (int i = 0; i < ACCOUNTS; i += 97) {
        accounts[i] = -accounts[i] - 1_000_000; // corrupted balances
      }
      faulty = true;
      say("fault injected at step " + step);
    } finally {
      lock.unlock();
    }
    Thread spinner = new Thread(() -> {
      synchronized (faultLock) {
        while (faulty) {
          sink += new StringBuilder().append(sink).toString().hashCode();
        }
      }
    }, "demo-fault-spin");
    spinner.setDaemon(true);
    spinner.start();
    synchronized (faultThreads) {
      faultThreads.add(spinner);
    }
    Thread leak = new Thread(() -> {
      for (int i = 0; i < FAULT_THREADS && faulty; i++) {
        Thread t = new Thread(() -> {
          byte[][] held = new byte[2][CHUNK]; // 512 KiB, in chunks G1 keeps out of humongous regions
          synchronized (faultLock) {
            sink += held.length;
          }
        }, "demo-fault-" + i);
        t.setDaemon(true);
        t.start();
        synchronized (faultThreads) {
          faultThreads.add(t);
        }
        if (i % 32 == 31) {
          LockSupport.parkNanos(200_000_000L); // in three bursts: a step the detector cannot miss
        }
      }
    }, "demo-fault-leak");
    leak.setDaemon(true);
    leak.start();
  }

  private void endFault() {
    faulty = false; // the spinner leaves the lock; the blocked threads pass it and end
    synchronized (faultThreads) {
      faultThreads.clear();
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** CPU, memory, disk and network load, each from its own thread, set by the phase. */
  static final class Load {
    private volatile boolean running = true;
    private volatile double duty = 0.1;
    private volatile int retainMib;
    private volatile boolean io;
    private final List<byte[]> retained = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    void start() throws IOException {
      for (int i = 0; i < 2; i++) {
        threads.add(thread("demo-cpu-" + i, this::cpu));
      }
      threads.add(thread("demo-memory", this::memory));
      threads.add(thread("demo-disk", this::disk));
      ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      threads.add(thread("demo-echo", () -> echo(server)));
      Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
      threads.add(thread("demo-net", () -> network(client)));
      threads.forEach(Thread::start);
    }

    /** Sets the load for {@code phase}, {@code progress} (0..1) of the way through it. */
    void follow(DemoPlan.Phase phase, double progress) {
      double p = Math.max(0, Math.min(1, progress));
      switch (phase.name()) {
        case "rising" -> {
          duty = 0.1 + 0.8 * p;
          retainMib = (int) (RISE_MIB * Math.min(1, p * 1.15));
          io = false;
        }
        case "io" -> {
          duty = 0.1;
          retainMib = 0;
          io = true;
        }
        default -> {
          duty = 0.1;
          retainMib = 0;
          io = false;
        }
      }
    }

    void stop() {
      running = false;
    }

    private static Thread thread(String name, Runnable body) {
      Thread t = new Thread(body, name);
      t.setDaemon(true);
      return t;
    }

    /** Busy {@code duty} of every 100 ms, allocating a little. */
    private void cpu() {
      while (running) {
        double d = duty;
        long end = System.nanoTime() + (long) (d * 100_000_000L);
        while (System.nanoTime() < end) {
          sink += new StringBuilder().append(sink).append('x').toString().hashCode();
        }
        LockSupport.parkNanos((long) ((1 - d) * 100_000_000L));
      }
    }

    /** Holds {@code retainMib} MiB, following it 2 MiB every 50 ms. */
    private void memory() {
      while (running) {
        int target = retainMib * ((1 << 20) / CHUNK);
        if (retained.size() < target) {
          for (int i = 0; i < (2 << 20) / CHUNK; i++) {
            retained.add(new byte[CHUNK]);
          }
        } else if (retained.size() > target) {
          retained.clear();
        }
        LockSupport.parkNanos(50_000_000L);
      }
    }

    /** While {@code io}: writes a 16 MiB file sequentially, reads it back at random. */
    private void disk() {
      byte[] block = new byte[64 << 10];
      Random random = new Random(1);
      Path file = null;
      try {
        file = Files.createTempFile("umbra-demo", ".bin");
        while (running) {
          if (!io) {
            LockSupport.parkNanos(100_000_000L);
            continue;
          }
          try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 256; i++) {
              out.write(block);
            }
          }
          try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            for (int i = 0; i < 256; i++) {
              raf.seek((long) random.nextInt(256) * block.length);
              raf.readFully(block);
            }
          }
          LockSupport.parkNanos(50_000_000L);
        }
      } catch (IOException e) {
        say("disk load stopped: " + e.getMessage());
      } finally {
        if (file != null) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            // a temporary file
          }
        }
      }
    }

    private static void echo(ServerSocket server) {
      try (server; Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        byte[] buffer = new byte[64 << 10];
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
        }
      } catch (IOException e) {
        // the client closed
      }
    }

    /** While {@code io}: 64 KiB messages through the loopback echo. */
    private void network(Socket client) {
      byte[] message = new byte[64 << 10];
      byte[] reply = new byte[64 << 10];
      try (client) {
        while (running) {
          if (!io) {
            LockSupport.parkNanos(100_000_000L);
            continue;
          }
          client.getOutputStream().write(message);
          client.getInputStream().readNBytes(reply, 0, reply.length);
          LockSupport.parkNanos(5_000_000L);
        }
      } catch (IOException e) {
        say("network load stopped: " + e.getMessage());
      }
    }
  }
}
