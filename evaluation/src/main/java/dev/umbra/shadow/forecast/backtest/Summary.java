package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Medians across VMs per resource and row, and the files that hold per-VM and median results. */
public final class Summary {
  static final String[] METRICS = {
    "slack", "shortage_steps", "shortage_volume", "changes_per_day", "pinball", "coverage80", "coverage90", "exceedance"
  };

  /** Medians of one resource and row across VMs. */
  public record Row(String resource, String row, int vms, double[] medians) {
    public double median(String metric) {
      return medians[Arrays.asList(METRICS).indexOf(metric)];
    }
  }

  private Summary() {}

  static double[] metrics(VmResult r) {
    return new double[] {
      r.slack(), r.shortageSteps(), r.shortageVolume(), r.changesPerDay(), r.pinball(), r.coverage80(), r.coverage90(), r.exceedance()
    };
  }

  /** Medians across VMs, in first-seen order of resource and row. */
  public static List<Row> medians(List<VmResult> results) {
    Map<String, List<VmResult>> groups = new LinkedHashMap<>();
    for (VmResult r : results) {
      groups.computeIfAbsent(r.resource() + "\u0000" + r.row(), k -> new ArrayList<>()).add(r);
    }
    List<Row> rows = new ArrayList<>();
    for (List<VmResult> group : groups.values()) {
      double[] medians = new double[METRICS.length];
      for (int m = 0; m < METRICS.length; m++) {
        final int metric = m;
        medians[m] = median(group.stream().mapToDouble(r -> metrics(r)[metric]).toArray());
      }
      rows.add(new Row(group.get(0).resource(), group.get(0).row(), group.size(), medians));
    }
    return rows;
  }

  static double median(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** Writes {@code results.csv} (per VM) and {@code summary.csv}, {@code summary.json} (medians). */
  public static void write(Path dir, List<VmResult> results, Map<String, Object> meta) throws IOException {
    Files.createDirectories(dir);
    try (Writer w = Files.newBufferedWriter(dir.resolve("results.csv"), StandardCharsets.UTF_8)) {
      w.write("vm,resource,row,model,hours,steps," + String.join(",", METRICS) + "\n");
      for (VmResult r : results) {
        w.write(r.vm() + "," + r.resource() + "," + r.row() + "," + r.model() + "," + r.hours() + "," + r.steps());
        for (double v : metrics(r)) {
          w.write("," + num(v));
        }
        w.write("\n");
      }
    }
    List<Row> medians = medians(results);
    try (Writer w = Files.newBufferedWriter(dir.resolve("summary.csv"), StandardCharsets.UTF_8)) {
      w.write("resource,row,vms," + String.join(",", METRICS) + "\n");
      for (Row r : medians) {
        w.write(r.resource() + "," + r.row() + "," + r.vms());
        for (double v : r.medians()) {
          w.write("," + num(v));
        }
        w.write("\n");
      }
    }
    try (Writer w = Files.newBufferedWriter(dir.resolve("summary.json"), StandardCharsets.UTF_8)) {
      w.write(json(medians, meta));
    }
  }

  static String json(List<Row> medians, Map<String, Object> meta) {
    StringBuilder b = new StringBuilder("{\n  \"protocol\": {");
    int i = 0;
    for (Map.Entry<String, Object> e : meta.entrySet()) {
      b.append(i++ == 0 ? "\n" : ",\n").append("    \"").append(e.getKey()).append("\": ").append(jsonValue(e.getValue()));
    }
    b.append("\n  },\n  \"medians_across_vms\": [");
    for (int r = 0; r < medians.size(); r++) {
      Row row = medians.get(r);
      b.append(r == 0 ? "\n" : ",\n").append("    {\"resource\": \"").append(row.resource())
          .append("\", \"row\": \"").append(row.row()).append("\", \"vms\": ").append(row.vms());
      for (int m = 0; m < METRICS.length; m++) {
        b.append(", \"").append(METRICS[m]).append("\": ").append(jsonValue(row.medians()[m]));
      }
      b.append("}");
    }
    return b.append("\n  ]\n}\n").toString();
  }

  static String jsonValue(Object v) {
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? "null" : num(d);
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return "\"" + String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** A fixed-width table of the medians, for the terminal. */
  public static String table(List<Row> medians) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-10s %-28s %4s %8s %9s %9s %9s %9s %7s %7s %7s%n",
        "resource", "model", "vms", "slack", "short.stp", "short.vol", "chg/day", "pinball", "cov80", "cov90", "exceed"));
    for (Row r : medians) {
      b.append(String.format(Locale.ROOT, "%-10s %-28s %4d %7.1f%% %8.3f%% %8.3f%% %9.2f %9.4f %6.1f%% %6.1f%% %6.2f%%%n",
          r.resource(), r.row(), r.vms(), 100 * r.median("slack"), 100 * r.median("shortage_steps"),
          100 * r.median("shortage_volume"), r.median("changes_per_day"), r.median("pinball"),
          100 * r.median("coverage80"), 100 * r.median("coverage90"), 100 * r.median("exceedance")));
    }
    return b.toString().replace("NaN%", "   -").replace("NaN", "-");
  }
}
