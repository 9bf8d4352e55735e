package dev.umbra.it.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Real resource series for the fleet benchmark: the Bitbrains "Rnd" VM traces in
 * {@code ../shared/data/bitbrains-rnd/vms} (5-minute rows; see that folder's README), replayed
 * one row per second. A run's 16 canonical series come from two VMs (the 10 numeric columns
 * cover 10 series; the other 6 take columns of the next VM), in the series' units where the
 * trace has them (cores, bytes, bytes/s). Rows 5 minutes apart change more from one to the next
 * than 1 s samples do, so these records compress worse than real agent output: points/s
 * measured with them err on the low side.
 */
final class TraceReplay {
  /** Series name, VM (0: the run's, 1: the next), and how to get the value from a row. */
  private record Column(String series, int vm, java.util.function.ToDoubleFunction<double[]> value) {}

  // row: 0 cores, 1 cpu MHz provisioned, 2 cpu MHz used, 3 cpu %, 4 mem KB provisioned,
  // 5 mem KB used, 6 disk read KB/s, 7 disk write KB/s, 8 net rx KB/s, 9 net tx KB/s
  private static final List<Column> COLUMNS = List.of(
      new Column("cpu.process", 0, r -> r[1] > 0 ? r[2] / (r[1] / Math.max(1, r[0])) : 0),
      new Column("cpu.machine", 1, r -> r[3] * r[0] / 100),
      new Column("mem.heap.used", 0, r -> r[5] * 1024),
      new Column("mem.heap.committed", 0, r -> r[4] * 1024),
      new Column("mem.rss", 1, r -> r[5] * 1024),
      new Column("mem.nonheap", 1, r -> r[4] * 1024 / 16),
      new Column("alloc.rate", 1, r -> r[8] * 1024 * 64),
      new Column("gc.pause", 1, r -> r[3] / 10),
      new Column("io.disk.read", 0, r -> r[6] * 1024),
      new Column("io.disk.write", 0, r -> r[7] * 1024),
      new Column("io.net.rx", 0, r -> r[8] * 1024),
      new Column("io.net.tx", 0, r -> r[9] * 1024),
      new Column("io.disk.ops", 1, r -> (r[6] + r[7]) / 4),
      new Column("io.net.ops", 1, r -> (r[8] + r[9]) / 1.5),
      new Column("threads.live", 0, r -> Math.round(20 + r[3])),
      new Column("threads.blocked", 1, r -> Math.round(r[3] / 20)));

  /** Rows of each VM (at most {@code maxRows}), in file-name order. */
  private final List<double[][]> vms;

  private TraceReplay(List<double[][]> vms) {
    this.vms = vms;
  }

  static int seriesCount() {
    return COLUMNS.size();
  }

  /** Where the traces are: {@code umbra.bench.traces}, else {@code shared/data/bitbrains-rnd/vms} above the working folder. */
  static Path folder() {
    String configured = System.getProperty("umbra.bench.traces", "");
    if (!configured.isEmpty()) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/bitbrains-rnd/vms");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no shared/data/bitbrains-rnd/vms above " + Path.of("").toAbsolutePath()
        + "; set -Dumbra.bench.traces=FOLDER");
  }

  static TraceReplay load(Path folder, int maxRows) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, "*.csv.gz")) {
      ds.forEach(files::add);
    }
    files.sort(null);
    List<double[][]> vms = new ArrayList<>();
    for (Path f : files) {
      List<double[]> rows = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(f)),
          StandardCharsets.UTF_8))) {
        in.readLine(); // header
        String line;
        while (rows.size() < maxRows && (line = in.readLine()) != null) {
          String[] cells = line.split(";");
          if (cells.length < 11) {
            continue;
          }
          double[] row = new double[10];
          for (int i = 0; i < 10; i++) {
            row[i] = Double.parseDouble(cells[i + 1].trim());
          }
          rows.add(row);
        }
      }
      if (rows.size() > 1) {
        vms.add(rows.toArray(double[][]::new));
      }
    }
    if (vms.size() < 2) {
      throw new IllegalStateException("fewer than 2 readable traces in " + folder);
    }
    return new TraceReplay(vms);
  }

  int vmCount() {
    return vms.size();
  }

  /** Run {@code run}'s 16 series at its {@code step}-th second (wrapping around the trace). */
  Map<String, Double> values(int run, long step) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Column c : COLUMNS) {
      double[][] rows = vms.get(Math.floorMod(run + c.vm(), vms.size()));
      double v = c.value().applyAsDouble(rows[(int) Math.floorMod(step + 7L * run, rows.length)]);
      out.put(c.series(), Double.isFinite(v) ? v : 0);
    }
    return out;
  }
}
