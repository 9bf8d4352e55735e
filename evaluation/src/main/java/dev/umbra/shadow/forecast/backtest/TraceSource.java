package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Traces to backtest, by id, read one at a time (all of them may not fit in memory). */
public interface TraceSource {
  /** Trace ids in a stable order. */
  List<String> ids();

  /** @throws IOException naming the trace when it cannot be read */
  VmTrace read(String id) throws IOException;

  /** Where trace {@code id} comes from, for messages: its file, or the id itself. */
  default String where(String id) {
    return id;
  }

  /** Bitbrains-format files (see {@link BitbrainsReader}), id = file name without extension. */
  static TraceSource files(List<Path> files) {
    Map<String, Path> byId = new LinkedHashMap<>();
    for (Path f : files) {
      byId.put(f.getFileName().toString().replaceFirst("\\.csv(\\.gz)?$", ""), f);
    }
    return new TraceSource() {
      @Override
      public List<String> ids() {
        return List.copyOf(byId.keySet());
      }

      @Override
      public VmTrace read(String id) throws IOException {
        Path f = byId.get(id);
        if (f == null) {
          throw new IOException("no trace " + id);
        }
        return BitbrainsReader.read(f);
      }

      @Override
      public String where(String id) {
        Path f = byId.get(id);
        return f == null ? id : f.toString();
      }
    };
  }
}
