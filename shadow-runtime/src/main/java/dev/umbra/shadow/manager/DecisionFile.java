package dev.umbra.shadow.manager;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log on disk: {@code decisions.tsv} in the shadow's data folder, one decision per
 * line (tab-separated, tabs, newlines and backslashes escaped), appended and flushed as each is
 * made, so that a restarted shadow still shows them. Bounded: past {@code maxBytes} the file
 * becomes {@code decisions.1.tsv} (replacing the older one) and a new one starts, so at most
 * twice {@code maxBytes} is kept. A line that cannot be read (a write cut short by a crash) is
 * skipped. Not thread-safe: {@link DecisionLog} calls it under its lock.
 */
final class DecisionFile implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DecisionFile.class);
  static final String NAME = "decisions.tsv";
  static final String OLDER = "decisions.1.tsv";
  /** 8 MiB: about 25 000 decisions of ~330 bytes, more than the 20 000 kept in memory. */
  static final long DEFAULT_MAX_BYTES = 8L << 20;
  private static final int FIELDS = 15;

  private final Path dir;
  private final long maxBytes;
  private BufferedWriter out;
  private long bytes;
  private boolean failed;

  private DecisionFile(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** Opens (creating if needed) the audit file in {@code dir}. */
  static DecisionFile open(Path dir, long maxBytes) throws IOException {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("maxBytes must be >= 1024, was " + maxBytes);
    }
    Files.createDirectories(dir);
    DecisionFile file = new DecisionFile(dir, maxBytes);
    file.reopen();
    return file;
  }

  private void reopen() throws IOException {
    Path path = dir.resolve(NAME);
    out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    bytes = Files.size(path);
    if (bytes > 0 && !endsWithNewline(path)) {
      out.write('\n'); // a line cut short by a crash stays on its own line, unread
      out.flush();
      bytes++;
    }
  }

  private static boolean endsWithNewline(Path path) throws IOException {
    try (var channel = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer last = ByteBuffer.allocate(1);
      channel.read(last, channel.size() - 1);
      return last.get(0) == '\n';
    }
  }

  /** Every readable decision of both files, oldest first. */
  List<Decision> load() throws IOException {
    List<Decision> all = new ArrayList<>();
    int skipped = 0;
    for (String name : new String[] {OLDER, NAME}) {
      Path path = dir.resolve(name);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        if (line.isEmpty()) {
          continue;
        }
        try {
          all.add(parse(line));
        } catch (RuntimeException e) {
          skipped++;
        }
      }
    }
    if (skipped > 0) {
      logger.warn("audit log {}: skipped {} unreadable line(s) (a write cut short?)", dir.resolve(NAME), skipped);
    }
    return all;
  }

  /** Appends one decision and flushes it; an I/O failure is logged once and the decision stays in memory only. */
  void append(Decision d) {
    if (failed) {
      return;
    }
    String line = format(d) + "\n";
    try {
      if (bytes > 0 && bytes + line.length() > maxBytes) {
        rotate();
      }
      out.write(line);
      out.flush();
      bytes += line.getBytes(StandardCharsets.UTF_8).length;
    } catch (IOException e) {
      failed = true;
      logger.error("audit log {}: cannot write ({}); later decisions are kept in memory only", dir.resolve(NAME),
          e.toString());
    }
  }

  private void rotate() throws IOException {
    out.close();
    Files.move(dir.resolve(NAME), dir.resolve(OLDER), StandardCopyOption.REPLACE_EXISTING);
    reopen();
  }

  static String format(Decision d) {
    String[] f = {Long.toString(d.id()), d.primaryId(), d.resource().name(), d.at().toString(), d.action().name(),
        Double.toString(d.current()), Double.toString(d.desired()), Double.toString(d.predicted()),
        Double.toString(d.probability()), Double.toString(d.usage()), d.allocator(), Boolean.toString(d.applied()),
        d.target(), d.model(), d.reason()};
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < f.length; i++) {
      if (i > 0) {
        s.append('\t');
      }
      escape(s, f[i]);
    }
    return s.toString();
  }

  static Decision parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != FIELDS) {
      throw new IllegalArgumentException("expected " + FIELDS + " fields, found " + f.length);
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = unescape(f[i]);
    }
    return new Decision(Long.parseLong(f[0]), f[1], Decision.Resource.valueOf(f[2]), Instant.parse(f[3]),
        Decision.Action.valueOf(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
        Double.parseDouble(f[8]), Double.parseDouble(f[9]), f[10], parseBoolean(f[11]), f[12], f[13], f[14]);
  }

  private static boolean parseBoolean(String s) {
    if (!s.equals("true") && !s.equals("false")) {
      throw new IllegalArgumentException("not a boolean: " + s);
    }
    return s.equals("true");
  }

  private static void escape(StringBuilder s, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> s.append("\\\\");
        case '\t' -> s.append("\\t");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        default -> s.append(c);
      }
    }
  }

  private static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder s = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        char n = value.charAt(++i);
        s.append(switch (n) {
          case 't' -> '\t';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      logger.warn("audit log {}: close failed: {}", dir.resolve(NAME), e.toString());
    }
  }
}
