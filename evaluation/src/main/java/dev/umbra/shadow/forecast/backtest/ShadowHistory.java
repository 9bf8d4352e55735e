package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A shadow's recorded history ({@code <data>/history.duckdb}, the 1 s grid) as backtest traces:
 * one trace per primary run that has every requested series, id = the primary id. Columns map
 * to the trace's units: {@code cpu} = {@code cpu.process} in cores (1 "MHz" per core, so VPA's
 * CPU buckets apply), {@code mem} = {@code mem.rss} in KB, {@code disk-read}/{@code disk-write}/
 * {@code net-rx}/{@code net-tx} = {@code io.*} in KB/s. Seconds without a value of every
 * requested series are left out (gaps). Opened read-only: stop the shadow that owns the folder
 * (DuckDB locks it) or copy the folder first. Not thread-safe; close it.
 */
public final class ShadowHistory implements TraceSource, AutoCloseable {
  /** The value of a second as the store reads it: complete rows beat partial ones, newer beats older. */
  private static final String NEWEST =
      "arg_max(value, rev + CASE WHEN partial = 1 THEN 0::BIGINT ELSE 1125899906842624::BIGINT END)";

  private final Connection db;
  private final List<TraceResource> resources;
  private final List<String> ids = new ArrayList<>();
  private final Map<String, String> workloads = new TreeMap<>();

  private ShadowHistory(Connection db, List<TraceResource> resources) {
    this.db = db;
    this.resources = List.copyOf(resources);
  }

  /** Whether {@code dir} is a shadow data folder. */
  public static boolean isDataDir(Path dir) {
    return Files.isRegularFile(dir.resolve("history.duckdb"));
  }

  /**
   * @throws IOException when the history cannot be opened (locked by a running shadow, not a
   *     DuckDB file) or has no primary with every requested series
   */
  public static ShadowHistory open(Path dataDir, List<TraceResource> resources) throws IOException {
    Path file = dataDir.resolve("history.duckdb");
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    p.setProperty("threads", "1");
    p.setProperty("memory_limit", "256MB");
    Connection db;
    try {
      db = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), p);
    } catch (SQLException e) {
      String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      throw new IOException(file + ": cannot open" + (m.contains("lock") ? " (in use by a running shadow: stop it or copy the folder)" : "") + ": " + m, e);
    }
    ShadowHistory h = new ShadowHistory(db, resources);
    try {
      h.listPrimaries();
    } catch (SQLException e) {
      h.close();
      throw new IOException(file + ": not a shadow history: " + e.getMessage(), e);
    }
    if (h.ids.isEmpty()) {
      h.close();
      throw new IOException(file + ": no primary has 1 s history of " + h.seriesNames());
    }
    return h;
  }

  static String seriesOf(TraceResource r) {
    return switch (r) {
      case CPU -> "cpu.process";
      case MEM -> "mem.rss";
      case DISK_READ -> "io.disk.read";
      case DISK_WRITE -> "io.disk.write";
      case NET_RX -> "io.net.rx";
      case NET_TX -> "io.net.tx";
    };
  }

  /** Multiply the series' value by this to get the trace's unit (bytes to KB). */
  static double scaleOf(TraceResource r) {
    return r == TraceResource.CPU ? 1 : 1 / 1024.0;
  }

  private List<String> seriesNames() {
    return resources.stream().map(ShadowHistory::seriesOf).toList();
  }

  private void listPrimaries() throws SQLException {
    String in = String.join(",", seriesNames().stream().map(s -> "'" + s + "'").toList());
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT p.primary_id, p.workload FROM primaries p WHERE (SELECT count(DISTINCT series)"
            + " FROM points_1s x WHERE x.primary_id = p.primary_id AND x.labels = '' AND x.series IN (" + in + ")) = "
            + resources.size() + " ORDER BY p.workload, p.first_seen_ms")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
        workloads.put(rs.getString(1), rs.getString(2));
      }
    }
  }

  @Override
  public List<String> ids() {
    return List.copyOf(ids);
  }

  /** The workload of a primary (runs of one workload are similar computations). */
  public String workload(String id) {
    return workloads.getOrDefault(id, "");
  }

  @Override
  public VmTrace read(String id) throws IOException {
    Map<Long, double[]> rows = new TreeMap<>();
    try (PreparedStatement q = db.prepareStatement("SELECT ts, " + NEWEST + " FROM points_1s WHERE primary_id = ?"
        + " AND series = ? AND labels = '' GROUP BY ts")) {
      for (int r = 0; r < resources.size(); r++) {
        q.setString(1, id);
        q.setString(2, seriesOf(resources.get(r)));
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            double v = rs.getDouble(2);
            double[] row = rows.computeIfAbsent(rs.getLong(1), k -> nanRow());
            row[r] = Double.isFinite(v) ? Math.max(0, v) * scaleOf(resources.get(r)) : Double.NaN;
          }
        }
      }
    } catch (SQLException e) {
      throw new IOException("history of " + id + ": " + e.getMessage(), e);
    }
    long[] t = new long[rows.size()];
    double[][] cols = new double[resources.size()][rows.size()];
    int n = 0;
    for (Map.Entry<Long, double[]> e : rows.entrySet()) {
      if (Arrays.stream(e.getValue()).allMatch(Double::isFinite)) {
        t[n] = e.getKey();
        for (int r = 0; r < cols.length; r++) {
          cols[r][n] = e.getValue()[r];
        }
        n++;
      }
    }
    Map<TraceResource, double[]> usage = new EnumMap<>(TraceResource.class);
    for (int r = 0; r < cols.length; r++) {
      usage.put(resources.get(r), Arrays.copyOf(cols[r], n));
    }
    if (n < 2) {
      throw new IOException("history of " + id + " has " + n + " complete seconds");
    }
    return new VmTrace(id, Arrays.copyOf(t, n), usage, 1, 0);
  }

  private double[] nanRow() {
    double[] r = new double[resources.size()];
    Arrays.fill(r, Double.NaN);
    return r;
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // read-only: nothing to lose
    }
  }
}
