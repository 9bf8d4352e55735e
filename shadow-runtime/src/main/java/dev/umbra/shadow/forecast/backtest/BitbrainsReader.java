package dev.umbra.shadow.forecast.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads GWA-T-12 Bitbrains traces: {@code ;} + tab separated, a header row, timestamps in Unix
 * seconds (the header says ms), one row per 5 minutes. Errors name the file, line and column.
 */
public final class BitbrainsReader {
  static final String TIMESTAMP = "Timestamp [ms]";
  static final String CORES = "CPU cores";
  static final String CAPACITY_MHZ = "CPU capacity provisioned [MHZ]";

  private BitbrainsReader() {}

  /** The trace files of a directory ({@code vms/*.csv[.gz]} or {@code *.csv[.gz]}), by VM id. */
  public static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new TraceFormatException(dir + ": not a directory");
    }
    Path vms = Files.isDirectory(dir.resolve("vms")) ? dir.resolve("vms") : dir;
    List<Path> files;
    try (Stream<Path> s = Files.list(vms)) {
      files = new ArrayList<>(s.filter(p -> idOf(p) != null).toList());
    }
    if (files.isEmpty()) {
      throw new TraceFormatException(vms + ": no .csv or .csv.gz trace files");
    }
    files.sort(Comparator.comparing((Path p) -> numericOrMax(idOf(p))).thenComparing(p -> idOf(p)));
    return List.copyOf(files);
  }

  static String idOf(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".csv.gz")) {
      return name.substring(0, name.length() - 7);
    }
    if (name.endsWith(".csv")) {
      return name.substring(0, name.length() - 4);
    }
    return null;
  }

  private static long numericOrMax(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Reads one trace file. */
  public static VmTrace read(Path file) throws IOException {
    String id = idOf(file);
    if (id == null) {
      throw new TraceFormatException(file + ": not a .csv or .csv.gz file");
    }
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return parse(id, file.toString(), reader);
    } catch (NoSuchFileException e) {
      throw new TraceFormatException(file + ": no such file", e);
    }
  }

  static VmTrace parse(String id, String where, BufferedReader reader) throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new TraceFormatException(where + ": empty file");
    }
    List<String> names = Arrays.stream(header.split(";", -1)).map(String::trim).toList();
    int time = column(names, TIMESTAMP, where);
    int cores = column(names, CORES, where);
    int capacity = column(names, CAPACITY_MHZ, where);
    Map<TraceResource, Integer> columns = new EnumMap<>(TraceResource.class);
    for (TraceResource r : TraceResource.values()) {
      columns.put(r, column(names, r.column(), where));
    }
    Rows rows = new Rows(columns.keySet());
    String line;
    int lineNo = 1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(";", -1);
      if (cells.length != names.size()) {
        throw new TraceFormatException(
            where + ":" + lineNo + ": " + cells.length + " columns, header has " + names.size());
      }
      long t = (long) number(cells, time, names, where, lineNo);
      if (rows.size > 0 && t <= rows.times[rows.size - 1]) {
        throw new TraceFormatException(where + ":" + lineNo + ": timestamp " + t + " is not after the previous row");
      }
      double[] values = new double[TraceResource.values().length];
      for (TraceResource r : TraceResource.values()) {
        double v = number(cells, columns.get(r), names, where, lineNo);
        if (v < 0) {
          throw new TraceFormatException(where + ":" + lineNo + ": " + r.column() + " is negative: " + v);
        }
        values[r.ordinal()] = v;
      }
      if (rows.size == 0) {
        rows.cores = number(cells, cores, names, where, lineNo);
        rows.capacityMhz = number(cells, capacity, names, where, lineNo);
      }
      rows.add(t, values);
    }
    if (rows.size < 2) {
      throw new TraceFormatException(where + ": fewer than 2 data rows");
    }
    if (!(rows.cores > 0) || !(rows.capacityMhz > 0)) {
      throw new TraceFormatException(where + ": first row has no provisioned CPU (cores " + rows.cores
          + ", MHz " + rows.capacityMhz + ")");
    }
    return rows.toTrace(id);
  }

  private static int column(List<String> names, String name, String where) throws TraceFormatException {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new TraceFormatException(where + ": missing column '" + name + "' (header: " + names + ")");
    }
    return i;
  }

  private static double number(String[] cells, int i, List<String> names, String where, int line)
      throws TraceFormatException {
    String text = cells[i].trim();
    try {
      double v = Double.parseDouble(text);
      if (!Double.isFinite(v)) {
        throw new NumberFormatException("not finite");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new TraceFormatException(
          where + ":" + line + ": column '" + names.get(i) + "' is not a number: '" + text + "'", e);
    }
  }

  private static final class Rows {
    long[] times = new long[1024];
    double[][] values;
    int size;
    double cores;
    double capacityMhz;

    Rows(java.util.Set<TraceResource> resources) {
      values = new double[TraceResource.values().length][1024];
    }

    void add(long t, double[] row) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
        for (int r = 0; r < values.length; r++) {
          values[r] = Arrays.copyOf(values[r], size * 2);
        }
      }
      times[size] = t;
      for (int r = 0; r < row.length; r++) {
        values[r][size] = row[r];
      }
      size++;
    }

    VmTrace toTrace(String id) {
      Map<TraceResource, double[]> usage = new EnumMap<>(TraceResource.class);
      for (TraceResource r : TraceResource.values()) {
        usage.put(r, Arrays.copyOf(values[r.ordinal()], size));
      }
      return new VmTrace(id, Arrays.copyOf(times, size), usage, capacityMhz / cores, cores);
    }
  }
}
