package dev.umbra.allocator.cgroup;

import static dev.umbra.allocator.Allocation.formatBandwidth;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.AllocatorException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks, sets and removes the disk bandwidth limits of a cgroup, through its limit files ({@link
 * DiskFiles}). A limit is written for each of the {@link BlockDevices} and holds for each disk
 * separately: a primary writing to two throttled disks may write twice the limit in all.
 *
 * <p>As one value per kind, the limit in effect is the highest on those disks, and absent (no
 * limit) when one of them has none or the cgroup has no I/O controller: the most the primary may
 * read or write on any one of them.
 *
 * <p>v1 throttles only I/O that its cgroup submits to the disk itself: direct I/O, reads that miss
 * the page cache, and synchronous writes; buffered writes reach the disk later from the kernel's
 * writeback threads, which no v1 limit holds back. v2 throttles writeback too.
 */
final class DiskLimits {

  /**
   * What an apply writes: per device, the new read and write limit (absent: unchanged), and the
   * limits before, to restore.
   */
  record Plan(DiskFiles.PerDevice before, Map<String, OptionalLong[]> writes, List<String> changes) {
    static final Plan NONE = new Plan(DiskFiles.PerDevice.NONE, Map.of(), List.of());

    boolean isEmpty() {
      return writes.isEmpty();
    }
  }

  private final BlockDevices devices;
  private final long minBytesPerSecond;
  /** Whether this host has an I/O controller at all (v1 blkio mount, v2 io offered at the root). */
  private final boolean controllerMounted;

  DiskLimits(BlockDevices devices, long minBytesPerSecond, boolean controllerMounted) {
    this.devices = devices;
    this.minBytesPerSecond = minBytesPerSecond;
    this.controllerMounted = controllerMounted;
  }

  /** {@code [read, write]} in effect on the throttled disks, each empty where not every one has a limit. */
  OptionalLong[] inEffect(Cgroup cgroup) throws AllocatorException {
    DiskFiles.PerDevice set = DiskFiles.perDevice(cgroup);
    if (set.read().isEmpty() && set.write().isEmpty()) {
      return new OptionalLong[] {OptionalLong.empty(), OptionalLong.empty()};
    }
    List<BlockDevices.Disk> disks = devices.disks();
    return new OptionalLong[] {highest(set.read(), disks), highest(set.write(), disks)};
  }

  private static OptionalLong highest(Map<String, Long> limits, List<BlockDevices.Disk> disks) {
    long highest = 0;
    for (BlockDevices.Disk disk : disks) {
      Long limit = limits.get(disk.id());
      if (limit == null) {
        return OptionalLong.empty();
      }
      highest = Math.max(highest, limit);
    }
    return highest > 0 ? OptionalLong.of(highest) : OptionalLong.empty();
  }

  /**
   * Checks the disk part of a request and works out what to write, writing nothing.
   *
   * @return the plan, empty when the request sets no disk bandwidth or all of it is in place
   * @throws AllocatorException if the host or cgroup has no I/O controller, the cgroup is the root,
   *     a value is below the minimum, or there is no disk to throttle
   */
  Plan check(Cgroup cgroup, Allocation desired) throws AllocatorException {
    OptionalLong read = desired.diskReadBytesPerSecond();
    OptionalLong write = desired.diskWriteBytesPerSecond();
    if (read.isEmpty() && write.isEmpty()) {
      return Plan.NONE;
    }
    requireController(cgroup);
    checkMinimum("read", read);
    checkMinimum("write", write);
    List<BlockDevices.Disk> disks = devices.disks();
    if (disks.isEmpty()) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, "no disk to limit: there are none among "
          + devices.describe() + " (set devices=major:minor;major:minor to name them); nothing applied");
    }
    DiskFiles.PerDevice before = DiskFiles.perDevice(cgroup);
    Map<String, OptionalLong[]> writes = new LinkedHashMap<>();
    Map<String, List<String>> changed = new TreeMap<>();
    for (BlockDevices.Disk disk : disks) {
      OptionalLong newRead = changes(read, before.read().get(disk.id()));
      OptionalLong newWrite = changes(write, before.write().get(disk.id()));
      if (newRead.isPresent() || newWrite.isPresent()) {
        writes.put(disk.id(), new OptionalLong[] {newRead, newWrite});
      }
      String where = disk.name().equals(disk.id()) ? disk.id() : disk.name() + " (" + disk.id() + ")";
      if (newRead.isPresent()) {
        changed.computeIfAbsent("disk read limit " + describe(before.read().get(disk.id())) + " -> "
            + formatBandwidth(newRead.getAsLong()), k -> new ArrayList<>()).add(where);
      }
      if (newWrite.isPresent()) {
        changed.computeIfAbsent("disk write limit " + describe(before.write().get(disk.id())) + " -> "
            + formatBandwidth(newWrite.getAsLong()), k -> new ArrayList<>()).add(where);
      }
    }
    List<String> changes = new ArrayList<>();
    changed.forEach((change, where) -> changes.add(change + " on " + String.join(", ", where)));
    return new Plan(before, writes, changes);
  }

  private void checkMinimum(String what, OptionalLong bytesPerSecond) throws AllocatorException {
    if (bytesPerSecond.isPresent() && bytesPerSecond.getAsLong() < minBytesPerSecond) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "disk " + what + " " + formatBandwidth(bytesPerSecond.getAsLong())
          + " is below the minimum of " + formatBandwidth(minBytesPerSecond) + " (setting minDisk); nothing applied");
    }
  }

  private static OptionalLong changes(OptionalLong desired, Long before) {
    return desired.isPresent() && (before == null || before != desired.getAsLong()) ? desired : OptionalLong.empty();
  }

  private static String describe(Long limit) {
    return limit == null ? "unlimited" : formatBandwidth(limit);
  }

  /**
   * Writes a plan, device by device. If a write fails, the devices already written are put back
   * before the failure is thrown.
   *
   * @throws AllocatorException the write's failure, or {@link Reason#PARTIAL} if putting back failed too
   */
  void write(Cgroup cgroup, Plan plan) throws AllocatorException {
    List<String> written = new ArrayList<>();
    try {
      for (Map.Entry<String, OptionalLong[]> device : plan.writes().entrySet()) {
        DiskFiles.writeDevice(cgroup, device.getKey(), device.getValue()[0], device.getValue()[1]);
        written.add(device.getKey());
      }
    } catch (AllocatorException e) {
      try {
        restore(cgroup, plan, written);
      } catch (AllocatorException rollback) {
        AllocatorException partial = new AllocatorException(Reason.PARTIAL, "the disk limits of " + cgroup + " on "
            + written + " were changed but not on the other devices (" + e.getMessage() + "), and restoring them failed: "
            + rollback.getMessage(), e);
        partial.addSuppressed(rollback);
        throw partial;
      }
      throw e;
    }
  }

  /** Puts back the limits a plan changed. */
  void restore(Cgroup cgroup, Plan plan) throws AllocatorException {
    restore(cgroup, plan, List.copyOf(plan.writes().keySet()));
  }

  /** Puts back, on the given devices, the limits the plan changes there. */
  private static void restore(Cgroup cgroup, Plan plan, List<String> devices) throws AllocatorException {
    for (String device : devices) {
      OptionalLong[] changed = plan.writes().get(device);
      DiskFiles.writeDevice(cgroup, device,
          changed[0].isPresent() ? OptionalLong.of(orUnlimited(plan.before().read().get(device))) : OptionalLong.empty(),
          changed[1].isPresent() ? OptionalLong.of(orUnlimited(plan.before().write().get(device))) : OptionalLong.empty());
    }
  }

  /**
   * Removes every disk bandwidth limit of the cgroup, on every device that has one (not only the
   * throttled disks).
   *
   * @return what was removed, one entry per device; empty if there was none
   * @throws AllocatorException if the cgroup has no I/O controller or the kernel refuses
   */
  List<String> removeAll(Cgroup cgroup) throws AllocatorException {
    requireController(cgroup);
    DiskFiles.PerDevice before = DiskFiles.perDevice(cgroup);
    List<String> removed = new ArrayList<>();
    for (String device : new TreeSet<>(union(before))) {
      Long read = before.read().get(device);
      Long write = before.write().get(device);
      DiskFiles.writeDevice(cgroup, device, read == null ? OptionalLong.empty() : OptionalLong.of(0),
          write == null ? OptionalLong.empty() : OptionalLong.of(0));
      removed.add(device + (read == null ? "" : " read " + formatBandwidth(read)) + (write == null ? "" : " write "
          + formatBandwidth(write)));
    }
    return removed;
  }

  private static Set<String> union(DiskFiles.PerDevice limits) {
    Set<String> all = new TreeSet<>(limits.read().keySet());
    all.addAll(limits.write().keySet());
    return all;
  }

  private static long orUnlimited(Long limit) {
    return limit == null ? 0 : limit;
  }

  private void requireController(Cgroup cgroup) throws AllocatorException {
    boolean v1 = cgroup.version() == CgroupVersion.V1;
    if (!controllerMounted) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, v1
          ? "this host mounts no blkio cgroup hierarchy (no cgroup v1 mount with the blkio controller in "
              + "/proc/self/mountinfo), so disk bandwidth cannot be limited; nothing applied"
          : "the cgroup2 hierarchy here does not offer the io controller (not in its root's cgroup.controllers), "
              + "so disk bandwidth cannot be limited; nothing applied");
    }
    if (cgroup.ioDirectory().isEmpty()) {
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, cgroup + " has no blkio cgroup of its own (it was made "
          + "without the blkio controller, or the process's cgroup file names none); create it with "
          + "CgroupManager.create or umbra run, which make one; nothing applied");
    }
    if (cgroup.ioPath().orElseThrow().equals("/")) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "refusing to limit the disk bandwidth of the root "
          + (v1 ? "blkio " : "") + "cgroup (" + cgroup + "): every process without a cgroup of its own is in it; "
          + "give the primary a cgroup of its own first (umbra run does); nothing applied");
    }
    if (!Files.isDirectory(cgroup.ioDirectory().get())) {
      throw new AllocatorException(Reason.TARGET_GONE, cgroup + " no longer exists (" + cgroup.ioDirectory().get() + " is gone)");
    }
    if (!Files.exists(DiskFiles.file(cgroup, true))) {
      Path dir = cgroup.ioDirectory().get();
      throw new AllocatorException(Reason.UNAVAILABLE_HERE, v1
          ? dir + " has no " + DiskFiles.V1_READ + " (a kernel built without CONFIG_BLK_DEV_THROTTLING?); nothing applied"
          : "the io controller is not enabled for " + cgroup + " (no " + dir.resolve(DiskFiles.V2_FILE) + "): add +io to "
              + dir.getParent().resolve("cgroup.subtree_control") + "; nothing applied");
    }
  }
}
