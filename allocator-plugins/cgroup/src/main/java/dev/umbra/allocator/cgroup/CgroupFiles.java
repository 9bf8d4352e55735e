package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads and writes cgroupfs interface files, turning I/O errors into {@link AllocatorException}s
 * that say which cgroup and file, and why: a missing directory means the cgroup vanished, EINVAL
 * and EBUSY mean the kernel refused the value, ENODEV that a disk limit names no whole disk, ESRCH
 * means the process is gone.
 */
final class CgroupFiles {

  /** Values of at least this many bytes mean "no limit" (v1 reports PAGE_COUNTER_MAX pages). */
  static final long UNLIMITED_THRESHOLD = 1L << 62;

  private CgroupFiles() {}

  static String read(Cgroup cgroup, Path file) throws AllocatorException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw translate(cgroup, file, null, e);
    }
  }

  static long readLong(Cgroup cgroup, Path file) throws AllocatorException {
    String text = read(cgroup, file);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new AllocatorException(Reason.FAILED, file + " of " + cgroup + " holds '" + text + "', not a number", e);
    }
  }

  /** Parses a flat keyed file ({@code cpu.stat}, {@code memory.events}): "key value" lines. */
  static Map<String, Long> readKeyed(Cgroup cgroup, Path file) throws AllocatorException {
    Map<String, Long> values = new HashMap<>();
    for (String line : read(cgroup, file).split("\n")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length == 2) {
        try {
          values.put(parts[0], Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
          // a key this version does not parse; ignore it
        }
      }
    }
    return values;
  }

  static void write(Cgroup cgroup, Path file, String value) throws AllocatorException {
    try {
      // One write(2) per value: cgroupfs takes each write as one command.
      Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    } catch (IOException e) {
      throw translate(cgroup, file, value, e);
    }
  }

  static AllocatorException translate(Cgroup cgroup, Path file, String value, IOException e) {
    if (!Files.isDirectory(file.getParent())) {
      return new AllocatorException(Reason.TARGET_GONE,
          cgroup + " no longer exists (" + file.getParent() + " is gone)", e);
    }
    if (e instanceof NoSuchFileException) {
      return new AllocatorException(Reason.UNAVAILABLE_HERE,
          cgroup + " has no " + file.getFileName() + " (is the controller enabled for it?)", e);
    }
    if (e instanceof AccessDeniedException) {
      return new AllocatorException(Reason.FORBIDDEN,
          "not allowed to " + (value == null ? "read " : "write ") + file + " (run as root or delegate the cgroup)", e);
    }
    String why = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
    if (value != null && why.contains("No such process")) {
      return new AllocatorException(Reason.TARGET_GONE, "process " + value + " does not exist (writing " + file + ")", e);
    }
    if (value != null && why.contains("No such device")) {
      return new AllocatorException(Reason.REJECTED, "the kernel refused " + value + " for " + file.getFileName() + " of "
          + cgroup + ": no such block device (gone, or a partition: only whole disks can be throttled)", e);
    }
    if (value != null && (why.contains("Invalid argument") || why.contains("busy"))) {
      return new AllocatorException(Reason.REJECTED,
          "the kernel refused " + value + " for " + file.getFileName() + " of " + cgroup + ": " + why, e);
    }
    return new AllocatorException(Reason.FAILED,
        (value == null ? "reading " : "writing " + value + " to ") + file + " failed: " + why, e);
  }
}
