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
 * seconds (the header says ms), one row per 5 minutes. Real trace folders are not clean, so a
 * file is repaired where that is safe and the repairs are reported ({@link VmTrace#repairs()}):
 *
 * <ul>
 *   <li>rows are sorted by timestamp; of rows with the same timestamp the first in the file is
 *       kept (a stable sort, then duplicates dropped);
 *   <li>a row with a missing cell, a cell that is not a finite number or a negative value is
 *       dropped;
 *   <li>a row whose provisioned CPU (cores or MHz) or provisioned memory is zero is the VM being
 *       switched off: it is left out, not read as usage 0. An off VM has no demand to forecast
 *       and no limit to set, and scoring it as usage 0 under a limit would count the whole
 *       limit as slack (or a limit of 0 as perfect). Left out, an off stretch is a hole in the
 *       trace: longer than the backtest's max gap it is a gap, and hours touching it are
 *       skipped; shorter, its samples are simply not scored.
 * </ul>
 *
 * A file that cannot be used at all (unreadable, not gzip, no header, a missing column, fewer
 * than 2 usable rows) throws {@link TraceFormatException} naming the file and the reason.
 */
public final class BitbrainsReader {
  static final String TIMESTAMP = "Timestamp [ms]";
  static final String CORES = "CPU cores";
  static final String CAPACITY_MHZ = "CPU capacity provisioned [MHZ]";
  /** Optional: read when present, a zero marks the VM off. */
  static final String MEMORY_CAPACITY_KB = "Memory capacity provisioned [KB]";

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

  /** Reads one trace file, repaired as the class comment says. */
  public static VmTrace read(Path file) throws IOException {
    String id = idOf(file);
    if (id == null) {
      throw new TraceFormatException(file + ": not a .csv or .csv.gz file");
    }
    if (Files.isRegularFile(file) && Files.size(file) == 0) {
      throw new TraceFormatException(file + ": empty file"); // GZIPInputStream would only say EOFException
    }
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return parse(id, file.toString(), reader);
    } catch (NoSuchFileException e) {
      throw new TraceFormatException(file + ": no such file", e);
    } catch (TraceFormatException e) {
      throw e;
    } catch (IOException e) {
      // ZipException "Not in GZIP format", EOFException of a truncated file: neither names the file
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new TraceFormatException(file + ": cannot read: " + m, e);
    }
  }

  static VmTrace parse(String id, String where, BufferedReader reader) throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new TraceFormatException(where + ": empty file");
    }
    List<String> names = Arrays.stream(header.split(";", -1)).map(String::trim).toList();
    int[] columns = new int[Rows.FIXED + TraceResource.values().length];
    columns[Rows.TIME] = column(names, TIMESTAMP, where);
    columns[Rows.CORES] = column(names, CORES, where);
    columns[Rows.CAPACITY] = column(names, CAPACITY_MHZ, where);
    columns[Rows.MEMORY_CAPACITY] = names.indexOf(MEMORY_CAPACITY_KB);
    for (TraceResource r : TraceResource.values()) {
      columns[Rows.FIXED + r.ordinal()] = column(names, r.column(), where);
    }
    Rows rows = new Rows();
    String line;
    int lineNo = 1;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String problem = rows.add(line.split(";", -1), names, columns);
      if (problem != null) {
        rows.malformed(where + ":" + lineNo + ": " + problem);
      }
    }
    if (rows.size == 0) {
      throw new TraceFormatException(where + ": no usable rows"
          + (rows.malformed > 0 ? " (" + rows.malformed + " malformed, first: " + rows.firstMalformed + ")" : " (header only)"));
    }
    return rows.toTrace(id, where);
  }

  private static int column(List<String> names, String name, String where) throws TraceFormatException {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new TraceFormatException(where + ": missing column '" + name + "' (header: " + names + ")");
    }
    return i;
  }

  private static final class Rows {
    static final int TIME = 0;
    static final int CORES = 1;
    static final int CAPACITY = 2;
    static final int MEMORY_CAPACITY = 3;
    static final int FIXED = 4;

    /** One array per field ({@link #TIME}, ..., then each resource's usage), in file order. */
    double[][] fields = new double[FIXED + TraceResource.values().length][1024];
    int size;
    int outOfOrder;
    int malformed;
    String firstMalformed = "";
    private double latest = Double.NEGATIVE_INFINITY;

    /** Adds a row, or returns why it is malformed. */
    String add(String[] cells, List<String> names, int[] columns) {
      if (cells.length != names.size()) {
        return cells.length + " columns, header has " + names.size();
      }
      double[] row = new double[fields.length];
      for (int f = 0; f < fields.length; f++) {
        if (columns[f] < 0) {
          row[f] = Double.NaN; // optional column absent
          continue;
        }
        String text = cells[columns[f]].trim();
        try {
          row[f] = Double.parseDouble(text);
        } catch (NumberFormatException e) {
          return "column '" + names.get(columns[f]) + "' is not a number: '" + text + "'";
        }
        if (!Double.isFinite(row[f]) || row[f] < 0) {
          return "column '" + names.get(columns[f]) + "' is " + (row[f] < 0 ? "negative" : "not finite") + ": " + text;
        }
      }
      if (size == fields[0].length) {
        for (int f = 0; f < fields.length; f++) {
          fields[f] = Arrays.copyOf(fields[f], size * 2);
        }
      }
      for (int f = 0; f < fields.length; f++) {
        fields[f][size] = row[f];
      }
      if (row[TIME] < latest) {
        outOfOrder++;
      }
      latest = Math.max(latest, row[TIME]);
      size++;
      return null;
    }

    void malformed(String what) {
      if (malformed++ == 0) {
        firstMalformed = what;
      }
    }

    boolean off(int i) {
      double memory = fields[MEMORY_CAPACITY][i];
      return !(fields[CORES][i] > 0) || !(fields[CAPACITY][i] > 0) || (!Double.isNaN(memory) && !(memory > 0));
    }

    /** Sorts (stable), keeps the first row of each timestamp, leaves out rows of a VM that is off. */
    VmTrace toTrace(String id, String where) throws TraceFormatException {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingLong(i -> (long) fields[TIME][i])); // stable: ties stay in file order
      int[] kept = new int[size];
      int n = 0;
      int duplicates = 0;
      int off = 0;
      long previous = Long.MIN_VALUE;
      boolean any = false;
      for (int i : order) {
        long t = (long) fields[TIME][i];
        if (any && t == previous) {
          duplicates++;
          continue;
        }
        any = true;
        previous = t;
        if (off(i)) {
          off++;
          continue;
        }
        kept[n++] = i;
      }
      TraceRepairs repairs = new TraceRepairs(duplicates, outOfOrder, off, malformed, firstMalformed);
      if (n < 2) {
        throw new TraceFormatException(where + ": fewer than 2 usable rows (" + size + " rows read; " + repairs.describe() + ")");
      }
      long[] times = new long[n];
      Map<TraceResource, double[]> usage = new EnumMap<>(TraceResource.class);
      for (TraceResource r : TraceResource.values()) {
        usage.put(r, new double[n]);
      }
      for (int k = 0; k < n; k++) {
        times[k] = (long) fields[TIME][kept[k]];
        for (TraceResource r : TraceResource.values()) {
          usage.get(r)[k] = fields[FIXED + r.ordinal()][kept[k]];
        }
      }
      int first = kept[0];
      return new VmTrace(id, times, usage, fields[CAPACITY][first] / fields[CORES][first], fields[CORES][first], repairs);
    }
  }
}
