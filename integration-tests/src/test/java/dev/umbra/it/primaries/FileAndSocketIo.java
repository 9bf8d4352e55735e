package dev.umbra.it.primaries;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Does a known amount of I/O once the file {@code args[1]} exists, then prints "io done" and
 * idles: exactly 10,000 bytes written and read with streams on {@code dir/stream.bin}, 4 random
 * 1,000-byte reads with RandomAccessFile on {@code dir/random.bin}, 3 positional 2,048-byte
 * FileChannel writes on {@code dir/channel.bin}, 5,000 bytes over a classic socket and 6,000
 * over a SocketChannel (loopback echo-less sinks).
 */
public final class FileAndSocketIo {
  private FileAndSocketIo() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path go = Path.of(args[1]);
    Files.createDirectories(dir);
    System.out.println("waiting for " + go);
    while (!Files.exists(go)) {
      Thread.sleep(50);
    }
    byte[] tenK = new byte[10_000];
    try (OutputStream out = new FileOutputStream(dir.resolve("stream.bin").toFile())) {
      out.write(tenK, 0, 4_000);
      out.write(new byte[5_999]);
      out.write(7);
    }
    try (InputStream in = new FileInputStream(dir.resolve("stream.bin").toFile())) {
      byte[] buffer = new byte[3_000];
      while (in.read(buffer) > 0) {
        // reads 10,000 bytes in four calls, then end of file
      }
    }
    try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("random.bin").toFile(), "rw")) {
      raf.setLength(100_000);
      byte[] buffer = new byte[1_000];
      for (long position : new long[] {50_000, 10_000, 90_000, 30_000}) {
        raf.seek(position);
        raf.readFully(buffer);
      }
    }
    try (FileChannel channel = FileChannel.open(dir.resolve("channel.bin"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      for (long position : new long[] {0, 2_048, 8_192}) {
        ByteBuffer block = ByteBuffer.allocate(2_048);
        while (block.hasRemaining()) {
          channel.write(block, position + block.position());
        }
      }
    }
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      client.getOutputStream().write(new byte[5_000]);
      client.getOutputStream().flush();
      accepted.getInputStream().readNBytes(5_000);
    }
    try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      ByteBuffer out = ByteBuffer.allocate(6_000);
      while (out.hasRemaining()) {
        client.write(out);
      }
      ByteBuffer in = ByteBuffer.allocate(6_000);
      while (in.hasRemaining()) {
        accepted.read(in);
      }
    }
    System.out.println("io done");
    Thread.sleep(Long.MAX_VALUE);
  }
}
