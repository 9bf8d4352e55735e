package dev.umbra.allocator.cgroup;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The disks a disk bandwidth limit is written for. By default every physical whole disk: each
 * entry of {@code /sys/block} with a {@code device} link (a disk on a bus: {@code sd*}, {@code
 * vd*}, {@code nvme*n*}, {@code xvd*}, {@code mmcblk*}) and a non-zero size. Left out are
 * partitions (the kernel throttles whole disks only; {@code /sys/block} lists none), drives without
 * media (size 0), and virtual block devices ({@code loop}, {@code dm-*}, {@code md*}, {@code zram},
 * {@code ram}, {@code nbd}): their I/O goes on to the physical disks under them and is throttled
 * there, and {@code zram}/{@code ram} are memory (swap), which a disk limit must not slow. Why not
 * only the disk under the primary's files: which files a JVM will write (logs, spills, a database
 * on another volume) is not known in advance, and a limit on one disk leaves the others open.
 *
 * <p>A configured list ({@code devices=8:0;259:0}) replaces the discovery. Read at each use, so a
 * disk that comes or goes is followed. Stateless and thread-safe.
 */
final class BlockDevices {

  /** A whole disk: its kernel name ({@code vda}) and {@code major:minor} ({@code 254:0}). */
  record Disk(String name, String id) {}

  private static final Pattern ID = Pattern.compile("\\d{1,10}:\\d{1,10}");

  private final Path sysBlock;
  private final List<Disk> configured;

  private BlockDevices(Path sysBlock, List<Disk> configured) {
    this.sysBlock = sysBlock;
    this.configured = List.copyOf(configured);
  }

  /** The physical whole disks in {@code <sys>/block}. */
  static BlockDevices discovered(Path sys) {
    return new BlockDevices(sys.resolve("block"), List.of());
  }

  /**
   * A fixed list of devices.
   *
   * @param ids {@code major:minor} each, not empty
   * @throws AllocatorException ({@link Reason#INVALID_REQUEST}) if an id is not {@code major:minor}
   */
  static BlockDevices configured(List<String> ids) throws AllocatorException {
    List<Disk> disks = new ArrayList<>();
    for (String id : ids) {
      if (!ID.matcher(id).matches()) {
        throw new AllocatorException(Reason.INVALID_REQUEST,
            "setting devices: '" + id + "' is not major:minor (for example 8:0; see /sys/block/<disk>/dev)");
      }
      disks.add(new Disk(id, id));
    }
    if (disks.isEmpty()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting devices is empty; leave it unset to throttle every physical disk");
    }
    return new BlockDevices(Path.of("/sys/block"), disks);
  }

  /**
   * Lists the disks now.
   *
   * @return the disks, sorted by name; empty if there are none
   * @throws AllocatorException ({@link Reason#UNAVAILABLE_HERE}) if {@code /sys/block} cannot be listed
   */
  List<Disk> disks() throws AllocatorException {
    if (!configured.isEmpty()) {
      return configured;
    }
    List<Disk> disks = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysBlock)) {
      for (Path entry : entries) {
        if (Files.exists(entry.resolve("device")) && size(entry) > 0) {
          String id = read(entry.resolve("dev"));
          if (ID.matcher(id).matches()) {
            disks.add(new Disk(entry.getFileName().toString(), id));
          }
        }
      }
    } catch (IOException e) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, "cannot list the disks in " + sysBlock + ": " + e, e);
    }
    disks.sort(Comparator.comparing(Disk::name));
    return disks;
  }

  /** Says which disks, for messages. */
  String describe() {
    return configured.isEmpty() ? "the physical whole disks in " + sysBlock
        : "the configured devices " + configured.stream().map(Disk::id).toList();
  }

  private static long size(Path entry) {
    try {
      return Long.parseLong(read(entry.resolve("size")));
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII).strip();
  }
}
