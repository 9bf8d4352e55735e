package dev.umbra.agent.sampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size from {@code /proc/self/status} (Linux); 0 elsewhere. */
final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return parseKb(line.substring(6)) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  static long parseKb(String value) {
    String digits = value.trim().split("\\s+")[0];
    return Long.parseLong(digits);
  }
}
