package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.QuantileLevels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves and loads LSTM models per workload and series under {@code <root>/<workload>/<series>/}
 * as {@code lstm-v<N>.zip} (network, DL4J format) plus {@code lstm-v<N>.properties} (levels,
 * block, horizon, trained-until, format). Each file is written to a temporary name and moved
 * into place, the properties last, so a reader never sees half a version. Thread-safe for
 * distinct workloads; one writer per workload and series.
 */
public final class LstmModelStore {
  static final int FORMAT = 1;
  private static final Pattern VERSION = Pattern.compile("lstm-v(\\d+)\\.properties");

  private final Path root;

  public LstmModelStore(Path root) {
    this.root = root;
  }

  private Path dir(String workload, String series) {
    return root.resolve(safe(workload)).resolve(safe(series));
  }

  static String safe(String name) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("blank workload or series name");
    }
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Writes {@code model} as its version; returns the network file. */
  public Path save(String workload, String series, LstmModel model) throws IOException {
    Path dir = dir(workload, series);
    Files.createDirectories(dir);
    Path zip = dir.resolve("lstm-v" + model.version() + ".zip");
    Path tmpZip = dir.resolve(zip.getFileName() + ".tmp");
    ModelSerializer.writeModel(model.network(), tmpZip.toFile(), false);
    move(tmpZip, zip);
    Properties p = new Properties();
    p.setProperty("format", Integer.toString(FORMAT));
    p.setProperty("version", Integer.toString(model.version()));
    p.setProperty("levels", Arrays.toString(model.levels().toArray()).replaceAll("[\\[\\] ]", ""));
    p.setProperty("blockSec", Long.toString(model.blockSec()));
    p.setProperty("horizonSec", Long.toString(model.horizonSec()));
    p.setProperty("trainedUntil", model.trainedUntil().toString());
    Path props = dir.resolve("lstm-v" + model.version() + ".properties");
    Path tmpProps = dir.resolve(props.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmpProps)) {
      p.store(out, "umbra LSTM model " + safe(workload) + "/" + safe(series));
    }
    move(tmpProps, props);
    return zip;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The highest saved version, or empty when there is none. */
  public Optional<LstmModel> loadLatest(String workload, String series) throws IOException {
    Path dir = dir(workload, series);
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    int latest = -1;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = VERSION.matcher(f.getFileName().toString());
        if (m.matches()) {
          latest = Math.max(latest, Integer.parseInt(m.group(1)));
        }
      }
    }
    return latest < 0 ? Optional.empty() : Optional.of(load(dir, latest));
  }

  /** The next version number to save for a workload and series. */
  public int nextVersion(String workload, String series) throws IOException {
    return loadLatest(workload, series).map(m -> m.version() + 1).orElse(1);
  }

  private static LstmModel load(Path dir, int version) throws IOException {
    Path props = dir.resolve("lstm-v" + version + ".properties");
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(props)) {
      p.load(in);
    }
    try {
      int format = Integer.parseInt(p.getProperty("format", "0"));
      if (format != FORMAT) {
        throw new IOException(props + ": format " + format + ", this build reads " + FORMAT);
      }
      double[] levels = Arrays.stream(p.getProperty("levels").split(",")).mapToDouble(Double::parseDouble).toArray();
      MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("lstm-v" + version + ".zip").toFile(), false);
      return new LstmModel(net, QuantileLevels.of(levels), Long.parseLong(p.getProperty("blockSec")),
          Long.parseLong(p.getProperty("horizonSec")), version, Instant.parse(p.getProperty("trainedUntil")));
    } catch (RuntimeException e) {
      throw new IOException(props + ": cannot load model version " + version + ": " + e.getMessage(), e);
    }
  }
}
