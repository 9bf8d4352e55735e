package dev.umbra.shadow.forecast.backtest;

import dev.umbra.shadow.forecast.SeriesProfile;
import dev.umbra.shadow.forecast.SeriesProfile.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A usage column of a Bitbrains trace that the backtest can forecast, in the trace's unit. */
public enum TraceResource {
  CPU("cpu", "CPU usage [MHZ]", "MHz"),
  MEM("mem", "Memory usage [KB]", "KB"),
  DISK_READ("disk-read", "Disk read throughput [KB/s]", "KB/s"),
  DISK_WRITE("disk-write", "Disk write throughput [KB/s]", "KB/s"),
  NET_RX("net-rx", "Network received throughput [KB/s]", "KB/s"),
  NET_TX("net-tx", "Network transmitted throughput [KB/s]", "KB/s");

  private final String key;
  private final String column;
  private final String unit;

  TraceResource(String key, String column, String unit) {
    this.key = key;
    this.column = column;
    this.unit = unit;
  }

  /** Short name used on the command line and in result files. */
  public String key() {
    return key;
  }

  /** The trace's column header. */
  public String column() {
    return column;
  }

  public String unit() {
    return unit;
  }

  /**
   * How the baselines should read this column of {@code vm}: CPU MHz are converted to cores with
   * the VM's MHz per core and its core count is the request; KB and KB/s are ×1024.
   */
  public SeriesProfile profile(VmTrace vm) {
    return switch (this) {
      case CPU -> new SeriesProfile(ResourceKind.CPU, 1 / vm.mhzPerCore(), vm.initialCores());
      case MEM -> new SeriesProfile(ResourceKind.MEMORY, 1024, 0);
      default -> new SeriesProfile(ResourceKind.OTHER, 1024, 0);
    };
  }

  /** Parses a comma list such as {@code cpu,mem}. */
  public static List<TraceResource> parseList(String text) {
    List<TraceResource> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String key = part.trim().toLowerCase(Locale.ROOT);
      TraceResource found = null;
      for (TraceResource r : values()) {
        if (r.key.equals(key)) {
          found = r;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(
            "unknown series '" + part.trim() + "'; known: cpu, mem, disk-read, disk-write, net-rx, net-tx");
      }
      if (!out.contains(found)) {
        out.add(found);
      }
    }
    return List.copyOf(out);
  }
}
