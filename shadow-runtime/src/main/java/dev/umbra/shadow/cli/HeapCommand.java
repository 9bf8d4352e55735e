package dev.umbra.shadow.cli;

import dev.umbra.proto.v1.ClassBytes;
import dev.umbra.proto.v1.ClassGrowth;
import dev.umbra.proto.v1.GetHeapRequest;
import dev.umbra.proto.v1.GetHeapResponse;
import dev.umbra.proto.v1.HeapSnapshot;
import dev.umbra.proto.v1.OldObject;
import dev.umbra.shadow.auth.Role;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra heap PRIMARY [--snapshots N] [--classes N] [--json]}. */
@Command(name = "heap", mixinStandardHelpOptions = true,
    description = "Show a primary's largest heap classes and how much each grew, from its class histograms.")
final class HeapCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  /** What the shadow keeps (HeapStore): more is a usage error here rather than the shadow's INVALID_ARGUMENT. */
  static final int MAX_SNAPSHOTS = 30;
  static final int MAX_CLASSES = 30;

  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "PRIMARY", description = "The primary's id (see 'umbra primaries').")
  String primary;

  @Option(names = "--snapshots", paramLabel = "N", defaultValue = "30",
      description = "Growth since the Nth newest histogram (default ${DEFAULT-VALUE}: the oldest kept).")
  int snapshots;

  @Option(names = "--classes", paramLabel = "N", defaultValue = "20", description = "Show this many classes (default ${DEFAULT-VALUE}).")
  int classes;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (snapshots < 1 || snapshots > MAX_SNAPSHOTS) {
      throw new UsageException("--snapshots: " + snapshots + " is not in 1.." + MAX_SNAPSHOTS);
    }
    if (classes < 1 || classes > MAX_CLASSES) {
      throw new UsageException("--classes: " + classes + " is not in 1.." + MAX_CLASSES);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      GetHeapResponse heap;
      try {
        heap = shadow.control().getHeap(GetHeapRequest.newBuilder().setPrimaryId(primary)
            .setSnapshots(snapshots).setClasses(classes).setOldObjects(5).build());
      } catch (StatusRuntimeException e) {
        throw shadow.failed(e);
      }
      if (client.json) {
        out.println(ShadowClient.json(heap));
      } else {
        print(out, heap);
      }
      out.flush();
      return 0;
    }
  }

  static void print(PrintWriter out, GetHeapResponse heap) {
    if (heap.getSnapshotsCount() == 0) {
      out.println("no class histogram from " + heap.getPrimaryId()
          + " yet (its agent sends one every histogram.period, 5m by default, none at criticality low)");
      return;
    }
    HeapSnapshot oldest = heap.getSnapshots(0);
    HeapSnapshot newest = heap.getSnapshots(heap.getSnapshotsCount() - 1);
    out.println(heap.getSnapshotsCount() == 1
        ? "one histogram, at " + time(newest.getTimeUnixMs()) + " UTC: no growth yet"
        : heap.getSnapshotsCount() + " histograms; growth from " + time(oldest.getTimeUnixMs()) + " to "
            + time(newest.getTimeUnixMs()) + " UTC");
    Map<String, ClassGrowth> growth = heap.getGrowthList().stream()
        .collect(Collectors.toMap(ClassGrowth::getClassName, Function.identity()));
    Table table = new Table("CLASS", "BYTES", "INSTANCES", "GROWTH", "INSTANCES GROWTH");
    for (ClassBytes c : newest.getClassesList()) {
      ClassGrowth g = growth.get(c.getClassName());
      table.row(c.getClassName(), bytes(c.getBytes()), count(c.getCount()),
          g == null ? "" : signed(g.getBytesGrowth(), HeapCommand::bytes),
          g == null ? "" : signed(g.getInstancesGrowth(), HeapCommand::count));
    }
    table.row("(other classes)", bytes(newest.getOtherBytes()), "", "", "");
    table.print(out);
    if (heap.getOldObjectsCount() > 0) {
      out.println();
      Table old = new Table("OLD OBJECT SEEN (UTC)", "CLASS", "ALLOCATED AT");
      for (OldObject o : heap.getOldObjectsList()) {
        old.row(time(o.getSeenUnixMs()), o.getSample().getClassName(),
            o.getSample().getAllocationFramesCount() == 0 ? "(no stack)" : o.getSample().getAllocationFrames(0));
      }
      old.print(out);
    }
  }

  private static String time(long unixMs) {
    return TIME.format(Instant.ofEpochMilli(unixMs));
  }

  private static String signed(long v, LongFunction<String> format) {
    return v > 0 ? "+" + format.apply(v) : v < 0 ? "-" + format.apply(-v) : "0";
  }

  /** "512 B", "3.0 KB", "48.0 MB", "1.2 GB". */
  static String bytes(long v) {
    if (v >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GB", v / (double) (1L << 30));
    }
    if (v >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MB", v / (double) (1L << 20));
    }
    if (v >= 1L << 10) {
      return String.format(Locale.ROOT, "%.1f KB", v / (double) (1L << 10));
    }
    return v + " B";
  }

  /** "950", "12.3 k", "1.2 M". */
  static String count(long v) {
    if (v >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1f M", v / 1e6);
    }
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.1f k", v / 1e3);
    }
    return Long.toString(v);
  }
}
