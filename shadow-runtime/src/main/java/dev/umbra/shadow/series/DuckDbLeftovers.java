package dev.umbra.shadow.series;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the native libraries DuckDB's JDBC driver left in the temporary folder. On every start
 * the driver copies its 60 MB library to {@code java.io.tmpdir} as {@code libduckdb_java<random>.so}
 * and deletes it only when the JVM exits normally, so every shadow that was killed ({@code kill -9},
 * the OOM killer, a test's {@code destroyForcibly}) left one behind. Before the shadow opens its
 * history, it deletes those that no running process maps ({@code /proc/<pid>/maps}) and that are
 * older than {@link #MIN_AGE} (one being copied by a starting process is not mapped yet).
 */
final class DuckDbLeftovers {
  static final String PREFIX = "libduckdb_java";
  static final Duration MIN_AGE = Duration.ofMinutes(1);
  private static final Logger logger = LoggerFactory.getLogger(DuckDbLeftovers.class);
  private static final AtomicBoolean swept = new AtomicBoolean();

  private DuckDbLeftovers() {}

  /** Sweeps {@code java.io.tmpdir} once per process; a failure is logged, never thrown. */
  static void sweepOnce() {
    if (!swept.compareAndSet(false, true)) {
      return;
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    try {
      List<Path> deleted = sweep(tmp, Path.of("/proc"), Instant.now());
      if (!deleted.isEmpty()) {
        logger.info("removed DuckDB's native library left in {} by killed processes: {} file(s)", tmp, deleted.size());
      }
    } catch (IOException | UncheckedIOException | SecurityException e) {
      logger.debug("cannot sweep DuckDB's leftover libraries in {}: {}", tmp, e.toString());
    }
  }

  /**
   * Deletes {@code libduckdb_java*.so} files in {@code tmp} last modified before {@code now - MIN_AGE}
   * that no process under {@code proc} maps; returns those deleted.
   */
  static List<Path> sweep(Path tmp, Path proc, Instant now) throws IOException {
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, PREFIX + "*.so")) {
      for (Path file : files) {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(now.minus(MIN_AGE))) {
          candidates.add(file);
        }
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    Set<String> mapped = mappedLibraries(proc);
    Path real = tmp.toRealPath();
    List<Path> deleted = new ArrayList<>();
    for (Path file : candidates) {
      if (!mapped.contains(real.resolve(file.getFileName()).toString())) {
        try {
          Files.deleteIfExists(file);
          deleted.add(file);
        } catch (IOException e) {
          logger.debug("cannot delete {}: {}", file, e.toString());
        }
      }
    }
    return deleted;
  }

  /** Paths of DuckDB libraries mapped by any process whose maps are readable. */
  static Set<String> mappedLibraries(Path proc) throws IOException {
    Set<String> mapped = new HashSet<>();
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path pid : pids) {
        try (Stream<String> lines = Files.lines(pid.resolve("maps"))) {
          lines.filter(line -> line.contains(PREFIX)).map(DuckDbLeftovers::pathOf).forEach(mapped::add);
        } catch (IOException | UncheckedIOException e) {
          // the process ended, or its maps are not ours to read (its files are not ours to delete either)
        }
      }
    }
    return mapped;
  }

  /** The path of a maps line ({@code address perms offset dev inode path}), without " (deleted)". */
  private static String pathOf(String line) {
    String path = line.substring(Math.max(0, line.indexOf('/')));
    return path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
  }
}
