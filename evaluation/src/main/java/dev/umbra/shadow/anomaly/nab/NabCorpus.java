package dev.umbra.shadow.anomaly.nab;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a NAB folder: {@code data/<category>/<file>.csv} (columns {@code timestamp,value}) and
 * {@code labels/combined_windows.json} (file → list of [start, end]). Every problem is a
 * {@link NabException} naming the file and line. Label entries for files that are not in
 * {@code data/} are ignored (the corpus may be a subset); a data file without labels is an error.
 */
public final class NabCorpus {
  static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter();

  private NabCorpus() {}

  /** The files of a NAB folder, sorted by category and name. */
  public static List<NabFile> read(Path nab) throws NabException {
    Path data = nab.resolve("data");
    Path labels = nab.resolve("labels").resolve("combined_windows.json");
    if (!Files.isDirectory(nab)) {
      throw new NabException(nab + ": no such folder");
    }
    if (!Files.isDirectory(data)) {
      throw new NabException(nab + ": no data/ folder (expected data/<category>/<file>.csv)");
    }
    Map<String, List<NabFile.Window>> windows = readWindows(labels);
    List<NabFile> files = new ArrayList<>();
    List<Path> csvs;
    try (Stream<Path> walk = Files.walk(data, 2)) {
      csvs = walk.filter(p -> p.getFileName().toString().endsWith(".csv") && Files.isRegularFile(p))
          .filter(p -> data.relativize(p).getNameCount() == 2).sorted().toList();
    } catch (IOException e) {
      throw new NabException(data + ": cannot list: " + e.getMessage());
    }
    if (csvs.isEmpty()) {
      throw new NabException(data + ": no data files (expected data/<category>/<file>.csv)");
    }
    for (Path csv : csvs) {
      String category = csv.getParent().getFileName().toString();
      String name = csv.getFileName().toString();
      List<NabFile.Window> w = windows.get(category + "/" + name);
      if (w == null) {
        throw new NabException(labels + ": no windows for " + category + "/" + name);
      }
      files.add(readFile(csv, category, name, w));
    }
    return files;
  }

  static Map<String, List<NabFile.Window>> readWindows(Path labels) throws NabException {
    String text;
    try {
      text = Files.readString(labels, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new NabException(labels + ": no such file");
    } catch (IOException e) {
      throw new NabException(labels + ": cannot read: " + e.getMessage());
    }
    Map<String, List<NabFile.Window>> out = new TreeMap<>();
    try {
      JsonElement root = JsonParser.parseString(text);
      if (!root.isJsonObject()) {
        throw new NabException(labels + ": expected an object of file → [[start, end], …]");
      }
      for (Map.Entry<String, JsonElement> e : ((JsonObject) root).entrySet()) {
        if (!e.getValue().isJsonArray()) {
          throw new NabException(labels + ": " + e.getKey() + ": expected a list of [start, end]");
        }
        List<NabFile.Window> list = new ArrayList<>();
        for (JsonElement pair : (JsonArray) e.getValue()) {
          if (!pair.isJsonArray() || ((JsonArray) pair).size() != 2) {
            throw new NabException(labels + ": " + e.getKey() + ": window " + pair + " is not [start, end]");
          }
          JsonArray a = (JsonArray) pair;
          try {
            list.add(new NabFile.Window(time(a.get(0).getAsString()), time(a.get(1).getAsString())));
          } catch (DateTimeParseException | IllegalArgumentException | UnsupportedOperationException | IllegalStateException x) {
            throw new NabException(labels + ": " + e.getKey() + ": bad window " + pair + ": " + x.getMessage());
          }
        }
        out.put(e.getKey(), list);
      }
    } catch (JsonParseException e) {
      throw new NabException(labels + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    return out;
  }

  static LocalDateTime time(String s) {
    return LocalDateTime.parse(s.trim(), TIME);
  }

  /**
   * Reads one data file. Every row is kept, in row order, as NAB scores it: a timestamp that
   * repeats or goes back in time is kept as it is; a timestamp that is not a time is kept as
   * written and parsed as {@link LocalDateTime#MIN} (it starts and ends no window); a value that is
   * empty, not a number or not finite is kept as {@code NaN} (the detectors score it without
   * learning from it). What was odd is counted in {@link NabFile#oddities()}. Only a file that
   * cannot be read as NAB data at all (no header, wrong columns) is an error.
   */
  static NabFile readFile(Path csv, String category, String name, List<NabFile.Window> windows) throws NabException {
    List<String> stamps = new ArrayList<>();
    List<LocalDateTime> times = new ArrayList<>();
    double[] values = new double[1024];
    int n = 0;
    NabFile.Oddities.Counter odd = new NabFile.Oddities.Counter();
    LocalDateTime latest = null;
    try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || !header.strip().replace("\uFEFF", "").equals("timestamp,value")) {
        throw new NabException(csv + ": expected the header 'timestamp,value', found '" + (header == null ? "" : header.strip()) + "'");
      }
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (cells.length != 2) {
          throw new NabException(csv + " line " + lineNo + ": expected 2 columns (timestamp,value), found " + cells.length);
        }
        LocalDateTime t;
        try {
          t = time(cells[0]);
          if (latest != null && !t.isAfter(latest)) {
            odd.notAfter(lineNo);
          } else {
            latest = t;
          }
        } catch (DateTimeParseException e) {
          t = LocalDateTime.MIN;
          odd.badTime(lineNo);
        }
        double v = value(cells[1]);
        if (Double.isNaN(v)) {
          odd.badValue(lineNo);
        }
        if (n == values.length) {
          values = Arrays.copyOf(values, n * 2);
        }
        values[n++] = v;
        stamps.add(cells[0].trim());
        times.add(t);
      }
    } catch (NoSuchFileException e) {
      throw new NabException(csv + ": no such file");
    } catch (IOException e) {
      throw new NabException(csv + ": cannot read: " + e.getMessage());
    }
    if (n == 0) {
      throw new NabException(csv + ": no rows");
    }
    return new NabFile(category, name, stamps, times, Arrays.copyOf(values, n), windows, odd.done());
  }

  /** The row's value, or NaN when it is empty, not a number or not finite. */
  static double value(String cell) {
    try {
      double v = Double.parseDouble(cell.trim());
      return Double.isFinite(v) ? v : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
