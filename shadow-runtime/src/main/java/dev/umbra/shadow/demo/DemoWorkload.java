package dev.umbra.shadow.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The primary {@code umbra demo} runs: a real JVM with phases a shadow can see — warm-up, rising
 * CPU, rising memory, disk I/O, network I/O — each a fifth of the run. It prints the phase it
 * enters as {@code phase <name>} so the demo can follow it. Not used outside the demo.
 */
public final class DemoWorkload {
  private static final List<byte[]> retained = new ArrayList<>();
  private static volatile long sink;

  private DemoWorkload() {}

  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 100;
    long phaseMillis = Math.max(2_000, seconds * 1000 / 5);
    phase("warm-up");
    busy(phaseMillis, 1, 0.1);
    phase("cpu");
    busy(phaseMillis, Math.max(1, Runtime.getRuntime().availableProcessors()), 0.9);
    phase("memory");
    memory(phaseMillis);
    phase("disk");
    disk(phaseMillis);
    phase("network");
    network(phaseMillis);
    phase("done");
  }

  private static void phase(String name) {
    System.out.println("phase " + name);
    System.out.flush();
  }

  /** {@code threads} threads, each busy {@code duty} of every 100 ms, with some allocation. */
  private static void busy(long millis, int threads, double duty) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        while (!stop.get()) {
          long end = System.nanoTime() + (long) (duty * 100_000_000L);
          while (System.nanoTime() < end) {
            sink += new StringBuilder().append(sink).toString().hashCode();
          }
          try {
            Thread.sleep((long) ((1 - duty) * 100));
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "demo-busy-" + t);
      w.start();
      workers.add(w);
    }
    Thread.sleep(millis);
    stop.set(true);
    for (Thread w : workers) {
      w.join();
    }
  }

  /** Retains 4 MiB more every 200 ms, up to a third of the heap, then lets it go. */
  private static void memory(long millis) throws InterruptedException {
    long limit = Runtime.getRuntime().maxMemory() / 3;
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      if ((long) retained.size() * (4 << 20) < limit) {
        retained.add(new byte[4 << 20]);
      }
      Thread.sleep(200);
    }
    retained.clear();
  }

  /** Writes and reads a 16 MiB file over and over: sequential writes, random reads. */
  private static void disk(long millis) throws IOException {
    Path file = Files.createTempFile("umbra-demo", ".bin");
    try {
      byte[] block = new byte[64 << 10];
      long end = System.currentTimeMillis() + millis;
      java.util.Random random = new java.util.Random(1);
      while (System.currentTimeMillis() < end) {
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
        sleepQuietly(50);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Echoes 64 KiB messages through a loopback socket. */
  private static void network(long millis) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo = new Thread(() -> {
        try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
          byte[] buffer = new byte[64 << 10];
          for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
          }
        } catch (IOException e) {
          // the client closed
        }
      }, "demo-echo");
      echo.setDaemon(true);
      echo.start();
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        byte[] message = new byte[64 << 10];
        byte[] reply = new byte[64 << 10];
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
          client.getOutputStream().write(message);
          client.getInputStream().readNBytes(reply, 0, reply.length);
          sleepQuietly(5);
        }
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
