package dev.umbra.it.primaries;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A primary with a steady workload that injects faults on cue. Every 100 ms it hashes 20 MB
 * (≈ 0.2 cores where SHA-256 runs at ~1 GB/s) and allocates 1 MB of garbage (10 MB/s); every 100 ms it writes and
 * reads back 64 KB of {@code args[0]/steady.bin}; every 50 ms it sends 16 KB to a loopback echo
 * peer and reads the echo. It prints "fault primary ready", then obeys one command per stdin line:
 *
 * <ul>
 *   <li>{@code leak}: keeps 4 MB more every 100 ms (40 MB/s), up to 320 MB;
 *   <li>{@code leak-entries}: the same rate and cap in small objects of one named class, {@link
 *       LeakedEntry} (128 bytes each, 32 768 more every 100 ms), so a class histogram names it;
 *   <li>{@code spin}: one thread spins (≈ 1 core);
 *   <li>{@code threads}: starts 400 threads that wait;
 *   <li>{@code gc}: allocation burst, 1 MB arrays as fast as one thread can (a GC storm);
 *   <li>{@code io-stall}: the echo peer answers only every 5 s and each file write waits 5 s (a slow
 *       disk and a slow peer);
 *   <li>{@code drop}: the hashing and allocation stop (its own throughput falls to zero);
 *   <li>{@code stop}: ends every fault and frees what the leak kept.
 * </ul>
 *
 * With {@code args[1]} = {@code ledger} it also registers a {@link Ledger} as app-checkpointable
 * state (umbra-api must then be on its class path) and obeys {@code corrupt} (the ledger is
 * corrupted and 400 threads pile up, as a fault that breaks state does) and {@code ledger} (prints
 * it). Each command is acknowledged as "fault NAME at EPOCH_MS". Exits when stdin closes.
 */
public final class FaultPrimary {
  /** SHA-256 updates of 4 KB per 100 ms: the steady CPU work. */
  private static final int WORK = 5000;
  private static final AtomicLong ops = new AtomicLong();
  private static final List<byte[]> leaked = new ArrayList<>();
  private static volatile boolean leaking;
  private static final List<LeakedEntry> leakedEntries = new ArrayList<>();
  private static volatile boolean leakingEntries;
  private static volatile boolean spinning;
  private static volatile boolean storming;
  private static volatile boolean stalled;
  private static volatile boolean dropped;
  private static volatile CountDownLatch threadsRelease = new CountDownLatch(0);
  static volatile Object sink;

  private FaultPrimary() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    boolean ledger = args.length > 1 && args[1].equals("ledger");
    if (ledger) {
      Ledger.register();
    }
    ScheduledExecutorService steady = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "steady");
      t.setDaemon(true);
      return t;
    });
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    steady.scheduleAtFixedRate(() -> work(sha), 0, 100, TimeUnit.MILLISECONDS);
    steady.scheduleAtFixedRate(() -> fileIo(dir.resolve("steady.bin")), 0, 100, TimeUnit.MILLISECONDS);
    steady.scheduleAtFixedRate(FaultPrimary::leakStep, 0, 100, TimeUnit.MILLISECONDS);
    Socket client = echoPair();
    steady.scheduleAtFixedRate(() -> socketIo(client), 0, 50, TimeUnit.MILLISECONDS);
    System.out.println("fault primary ready");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String cmd = line.trim();
      if (cmd.isEmpty()) {
        continue;
      }
      long at = System.currentTimeMillis();
      switch (cmd) {
        case "leak" -> leaking = true;
        case "leak-entries" -> leakingEntries = true;
        case "spin" -> startLoop("spin", () -> spinning, FaultPrimary::spinOnce, () -> spinning = true);
        case "threads" -> startThreads(400);
        case "gc" -> startLoop("gc-storm", () -> storming, () -> sink = new byte[1 << 20], () -> storming = true);
        case "io-stall" -> stalled = true;
        case "drop" -> dropped = true;
        case "corrupt" -> {
          if (!ledger) {
            System.out.println("no ledger to corrupt");
            continue;
          }
          Ledger.corrupt();
          startThreads(400);
        }
        case "ledger" -> System.out.println("ledger is " + (ledger ? Ledger.text() : "not registered"));
        case "stop" -> stopAll();
        default -> {
          System.out.println("unknown command " + cmd);
          continue;
        }
      }
      System.out.println("fault " + cmd + " at " + at);
    }
    System.exit(0);
  }

  private static void work(MessageDigest sha) {
    if (dropped) {
      return;
    }
    byte[] data = new byte[4096];
    for (int i = 0; i < WORK; i++) { // a fixed amount of work: its CPU time does not depend on the box's load
      sha.update(data);
      data[0] ^= sha.digest()[0];
      ops.incrementAndGet();
    }
    for (int i = 0; i < 64; i++) {
      sink = new byte[16 << 10];
    }
  }

  private static void fileIo(Path file) {
    try {
      if (stalled) {
        Thread.sleep(5000); // a slow disk: this write waits
      }
      byte[] block = new byte[64 << 10];
      try (OutputStream out = new FileOutputStream(file.toFile())) {
        out.write(block);
      }
      try (InputStream in = new FileInputStream(file.toFile())) {
        in.readAllBytes();
      }
    } catch (Exception e) {
      System.out.println("file io failed: " + e);
    }
  }

  private static void leakStep() {
    if (leaking && leaked.size() < 80) {
      synchronized (leaked) {
        leaked.add(new byte[4 << 20]);
      }
    }
    if (leakingEntries && leakedEntries.size() < ENTRIES_CAP) {
      synchronized (leakedEntries) {
        for (int i = 0; i < ENTRIES_PER_STEP; i++) {
          leakedEntries.add(new LeakedEntry(leakedEntries.size()));
        }
      }
    }
  }

  /** 4 MB of {@link LeakedEntry} per leak step, like {@code leak}'s array; 320 MB at most. */
  private static final int ENTRIES_PER_STEP = (4 << 20) / 128;
  private static final int ENTRIES_CAP = 80 * ENTRIES_PER_STEP;

  /**
   * What {@code leak-entries} keeps: 12 bytes of header and 14 longs, 128 bytes with compressed
   * class pointers; the name the leak test looks for in the anomaly's explanation.
   */
  static final class LeakedEntry {
    final long key;
    long a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13;

    LeakedEntry(long key) {
      this.key = key;
      this.a1 = key;
    }
  }

  private static Socket echoPair() throws Exception {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread peer = new Thread(() -> {
      try (Socket s = server.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buffer = new byte[16 << 10];
        while (true) {
          if (stalled) {
            Thread.sleep(5000); // a slow peer
          }
          int n = in.readNBytes(buffer, 0, buffer.length);
          if (n <= 0) {
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (Exception e) {
        System.out.println("echo peer ended: " + e);
      }
    }, "echo-peer");
    peer.setDaemon(true);
    peer.start();
    return new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  private static void socketIo(Socket client) {
    try {
      byte[] block = new byte[16 << 10];
      client.getOutputStream().write(block);
      client.getOutputStream().flush();
      client.getInputStream().readNBytes(block, 0, block.length);
    } catch (Exception e) {
      System.out.println("socket io failed: " + e);
    }
  }

  private static void spinOnce() {
    double x = 1;
    for (int i = 0; i < 1_000_000; i++) {
      x = x * 1.0000001 + 1e-9;
    }
    sink = x;
  }

  private static void startLoop(String name, java.util.function.BooleanSupplier running, Runnable body, Runnable start) {
    start.run();
    Thread t = new Thread(() -> {
      while (running.getAsBoolean()) {
        body.run();
      }
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private static void startThreads(int n) {
    CountDownLatch release = new CountDownLatch(1);
    threadsRelease = release;
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "exploded-" + i);
      t.setDaemon(true);
      t.start();
    }
  }

  private static void stopAll() {
    leaking = false;
    leakingEntries = false;
    spinning = false;
    storming = false;
    stalled = false;
    dropped = false;
    threadsRelease.countDown();
    synchronized (leaked) {
      leaked.clear();
    }
    synchronized (leakedEntries) {
      leakedEntries.clear();
    }
  }
}
