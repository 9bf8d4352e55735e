package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.AllocatorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The disk limit files of a cgroup, one line per block device ({@code major:minor}): v1 {@code
 * blkio.throttle.read_bps_device} and {@code write_bps_device} ({@code "8:0 5242880"}, {@code 0}
 * removes the limit), v2 {@code io.max} ({@code "8:0 rbps=5242880 wbps=max riops=max wiops=max"},
 * {@code max} removes it): reading, parsing and writing them, nothing decided. Stateless.
 */
final class DiskFiles {

  static final String V1_READ = "blkio.throttle.read_bps_device";
  static final String V1_WRITE = "blkio.throttle.write_bps_device";
  static final String V2_FILE = "io.max";

  /** The limits set, per device id ({@code major:minor}), bytes per second; a device without one is absent. */
  record PerDevice(Map<String, Long> read, Map<String, Long> write) {
    PerDevice {
      read = Map.copyOf(read);
      write = Map.copyOf(write);
    }

    static final PerDevice NONE = new PerDevice(Map.of(), Map.of());
  }

  /** Whether the cgroup has the I/O interface files: its I/O directory and the limit files in it. */
  static boolean available(Cgroup cgroup) {
    return cgroup.ioDirectory().isPresent() && Files.exists(file(cgroup, true));
  }

  /** Reads the per-device limits; none when the cgroup has no I/O controller. */
  static PerDevice perDevice(Cgroup cgroup) throws AllocatorException {
    if (!available(cgroup)) {
      return PerDevice.NONE;
    }
    if (cgroup.version() == CgroupVersion.V1) {
      return new PerDevice(parseV1(CgroupFiles.read(cgroup, file(cgroup, true))),
          parseV1(CgroupFiles.read(cgroup, file(cgroup, false))));
    }
    String text = CgroupFiles.read(cgroup, file(cgroup, true));
    return new PerDevice(parseV2(text, "rbps"), parseV2(text, "wbps"));
  }

  /** Writes one device's read and/or write limit; 0 removes it. */
  static void writeDevice(Cgroup cgroup, String device, OptionalLong read, OptionalLong write)
      throws AllocatorException {
    if (cgroup.version() == CgroupVersion.V1) {
      if (read.isPresent()) {
        CgroupFiles.write(cgroup, file(cgroup, true), device + " " + read.getAsLong());
      }
      if (write.isPresent()) {
        CgroupFiles.write(cgroup, file(cgroup, false), device + " " + write.getAsLong());
      }
      return;
    }
    StringBuilder line = new StringBuilder(device);
    read.ifPresent(v -> line.append(" rbps=").append(v == 0 ? "max" : Long.toString(v)));
    write.ifPresent(v -> line.append(" wbps=").append(v == 0 ? "max" : Long.toString(v)));
    if (read.isPresent() || write.isPresent()) {
      CgroupFiles.write(cgroup, file(cgroup, true), line.toString());
    }
  }

  /** The read (or, under v1, the write) limit file; v2 has one file for both. */
  static Path file(Cgroup cgroup, boolean read) {
    Path dir = cgroup.ioDirectory().orElseThrow();
    if (cgroup.version() == CgroupVersion.V2) {
      return dir.resolve(V2_FILE);
    }
    return dir.resolve(read ? V1_READ : V1_WRITE);
  }

  /** Parses v1 lines {@code "8:0 5242880"}; 0 is no limit. */
  static Map<String, Long> parseV1(String text) {
    Map<String, Long> limits = new TreeMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.strip().split("\\s+");
      if (parts.length == 2) {
        try {
          long value = Long.parseLong(parts[1]);
          if (value > 0) {
            limits.put(parts[0], value);
          }
        } catch (NumberFormatException e) {
          // not a device line; ignore it
        }
      }
    }
    return limits;
  }

  /** Parses v2 lines {@code "8:0 rbps=5242880 wbps=max riops=max wiops=max"} for one key; {@code max} is no limit. */
  static Map<String, Long> parseV2(String text, String key) {
    Map<String, Long> limits = new TreeMap<>();
    for (String line : text.split("\n")) {
      String[] parts = line.strip().split("\\s+");
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].startsWith(key + "=")) {
          try {
            long value = Long.parseLong(parts[i].substring(key.length() + 1));
            if (value > 0) {
              limits.put(parts[0], value);
            }
          } catch (NumberFormatException e) {
            // "max": no limit
          }
        }
      }
    }
    return limits;
  }

  private DiskFiles() {}
}
