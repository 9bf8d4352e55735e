package dev.umbra.shadow.series;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Against the real /proc: this JVM maps one of the libraries, as a running shadow does. */
@EnabledOnOs(OS.LINUX)
class DuckDbLeftoversTest {
  @TempDir Path tmp;
  private final Instant now = Instant.now();

  private Path library(String name, Duration age) throws IOException {
    Path file = Files.write(tmp.resolve(name), new byte[4096]);
    Files.setLastModifiedTime(file, FileTime.from(now.minus(age)));
    return file;
  }

  @Test
  void deletesAnOldLibraryNoProcessMaps() throws IOException {
    Path left = library("libduckdb_java1234.so", Duration.ofHours(2));

    assertThat(DuckDbLeftovers.sweep(tmp, Path.of("/proc"), now)).containsExactly(left);
    assertThat(left).doesNotExist();
  }

  @Test
  void keepsALibraryARunningProcessMaps() throws IOException {
    Path inUse = library("libduckdb_java5678.so", Duration.ofHours(2));
    try (FileChannel channel = FileChannel.open(inUse, StandardOpenOption.READ)) {
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, 4096);

      assertThat(DuckDbLeftovers.sweep(tmp, Path.of("/proc"), now)).isEmpty();
      assertThat(inUse).exists();
      assertThat(mapped.get(0)).isZero();
    }
  }

  @Test
  void keepsALibraryCopiedLessThanAMinuteAgo_andOtherFiles() throws IOException {
    Path copying = library("libduckdb_java9012.so", Duration.ofSeconds(20));
    Path other = library("libother.so", Duration.ofHours(2));
    Path notALibrary = library("libduckdb_java3456.tmp", Duration.ofHours(2));

    assertThat(DuckDbLeftovers.sweep(tmp, Path.of("/proc"), now)).isEmpty();
    assertThat(copying).exists();
    assertThat(other).exists();
    assertThat(notALibrary).exists();
  }
}
