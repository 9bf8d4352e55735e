package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.QuantileLevels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads LSTM models per {@link ModelKey} (workload and target) and version, under
 * {@code <root>/<workload>/<target>/lstm-v<N>.model}. A model file is the bytes of {@link
 * #toBytes}: a zip with {@code model.properties} (format, version, levels, block, horizon,
 * trained-until) and {@code network.zip} (DL4J's own format, without updater state). The same
 * bytes are what the fleet trainer ships between hosts. A file is written to a temporary name,
 * forced to disk and renamed, so a reader never sees half a version; {@link #loadLatest} skips a
 * version it cannot read for the one before. Thread-safe for distinct keys; one writer per key.
 */
public final class LstmModelStore {
  private static final Logger logger = LoggerFactory.getLogger(LstmModelStore.class);
  // 4: 22 block features (three per-series baselines' forecasts added); 3: ten (level, volatility).
  // An older file is refused and retrained.
  static final int FORMAT = 4;
  private static final Pattern VERSION = Pattern.compile("lstm-v(\\d+)\\.model");

  private final Path root;

  public LstmModelStore(Path root) {
    this.root = root;
  }

  Path dir(ModelKey key) {
    return root.resolve(safe(key.workload())).resolve(safe(key.target()));
  }

  static String safe(String name) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("blank workload or series name");
    }
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The file of one version. */
  public Path file(ModelKey key, int version) {
    return dir(key).resolve("lstm-v" + version + ".model");
  }

  /** Writes {@code model} as its version, atomically; returns the file. */
  public Path save(ModelKey key, LstmModel model) throws IOException {
    return saveBytes(key, model.version(), toBytes(model));
  }

  /** Writes serialized model bytes (from {@link #toBytes}) as {@code version}, atomically. */
  public Path saveBytes(ModelKey key, int version, byte[] bytes) throws IOException {
    Path dir = dir(key);
    Files.createDirectories(dir);
    Path target = file(key, version);
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Saved versions of a key, oldest first. */
  public List<Integer> versions(ModelKey key) throws IOException {
    Path dir = dir(key);
    List<Integer> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = VERSION.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(Integer.parseInt(m.group(1)));
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** One version. @throws IOException naming the file when it is missing or unreadable */
  public LstmModel load(ModelKey key, int version) throws IOException {
    Path file = file(key, version);
    try {
      return fromBytes(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The newest version that loads; an unreadable one (truncated, other format) is logged and
   * skipped for the one before. Empty when none loads.
   */
  public Optional<LstmModel> loadLatest(ModelKey key) throws IOException {
    List<Integer> versions = versions(key);
    for (int i = versions.size() - 1; i >= 0; i--) {
      try {
        return Optional.of(load(key, versions.get(i)));
      } catch (IOException e) {
        // also a version of another format or input shape (features changed): refused, not stepped
        logger.warn("model={} version={} not usable, trying the previous one (none: a first version is trained): {}",
            key, versions.get(i), e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** The next version number to save: one past the highest file, readable or not. */
  public int nextVersion(ModelKey key) throws IOException {
    List<Integer> versions = versions(key);
    return versions.isEmpty() ? 1 : versions.get(versions.size() - 1) + 1;
  }

  /** Deletes all but the newest {@code keep} versions (and their evidence). */
  public void prune(ModelKey key, int keep) throws IOException {
    List<Integer> versions = versions(key);
    for (int i = 0; i < versions.size() - keep; i++) {
      Files.deleteIfExists(file(key, versions.get(i)));
      Files.deleteIfExists(evidenceFile(key, versions.get(i)));
    }
  }

  Path evidenceFile(ModelKey key, int version) {
    return dir(key).resolve("lstm-v" + version + ".evidence");
  }

  /** Writes the backtest evidence of a saved version, atomically. */
  public void saveEvidence(ModelKey key, int version, ModelEvidence evidence) throws IOException {
    Properties p = new Properties();
    p.setProperty("run", evidence.runId());
    p.setProperty("scored", Integer.toString(evidence.scored()));
    p.setProperty("lstmLeads", Boolean.toString(evidence.lstmLeads()));
    p.setProperty("summary", evidence.summary());
    writeAtomically(evidenceFile(key, version), p, "backtest evidence of lstm-v" + version);
  }

  /** The evidence of a version; empty when none was saved or it cannot be read (logged). */
  public Optional<ModelEvidence> loadEvidence(ModelKey key, int version) {
    Path file = evidenceFile(key, version);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      Properties p = new Properties();
      p.load(in);
      return Optional.of(new ModelEvidence(p.getProperty("run", ""), Integer.parseInt(p.getProperty("scored", "0")),
          Boolean.parseBoolean(p.getProperty("lstmLeads")), p.getProperty("summary", "")));
    } catch (IOException | RuntimeException e) {
      logger.warn("model={} version={}: evidence unreadable ({}); the version serves only after a backtest of its own",
          key, version, e.getMessage());
      return Optional.empty();
    }
  }

  /** Remembers what a workload is, for finding near workloads later ({@code <workload>/identity}). */
  public void saveIdentity(WorkloadIdentity identity) throws IOException {
    Properties p = new Properties();
    p.setProperty("workload", identity.workload());
    p.setProperty("main", identity.main());
    p.setProperty("jvmFlags", String.join("\u0000", identity.jvmFlags()));
    p.setProperty("maxHeapBytes", Long.toString(identity.maxHeapBytes()));
    writeAtomically(root.resolve(safe(identity.workload())).resolve("identity"), p, "umbra workload identity");
  }

  /** Every workload identity saved under the root; unreadable ones are logged and skipped. */
  public List<WorkloadIdentity> identities() throws IOException {
    List<WorkloadIdentity> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path file = dir.resolve("identity");
        if (!Files.isRegularFile(file)) {
          continue;
        }
        try (InputStream in = Files.newInputStream(file)) {
          Properties p = new Properties();
          p.load(in);
          String flags = p.getProperty("jvmFlags", "");
          out.add(new WorkloadIdentity(p.getProperty("workload", ""), p.getProperty("main", ""),
              flags.isEmpty() ? List.of() : List.of(flags.split("\u0000")),
              Long.parseLong(p.getProperty("maxHeapBytes", "0"))));
        } catch (IOException | RuntimeException e) {
          logger.warn("{} unreadable, its workload is not matched as a neighbour: {}", file, e.getMessage());
        }
      }
    }
    return out;
  }

  private static void writeAtomically(Path target, Properties p, String comment) throws IOException {
    Files.createDirectories(target.getParent());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    p.store(bytes, comment);
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(tmp, bytes.toByteArray());
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The model as bytes: what {@link #save} writes and the fleet ships. */
  public static byte[] toBytes(LstmModel model) throws IOException {
    Properties p = new Properties();
    p.setProperty("format", Integer.toString(FORMAT));
    p.setProperty("version", Integer.toString(model.version()));
    p.setProperty("levels", Arrays.toString(model.levels().toArray()).replaceAll("[\\[\\] ]", ""));
    p.setProperty("blockSec", Long.toString(model.blockSec()));
    p.setProperty("horizonSec", Long.toString(model.horizonSec()));
    p.setProperty("trainedUntil", model.trainedUntil().toString());
    ByteArrayOutputStream net = new ByteArrayOutputStream();
    ModelSerializer.writeModel(model.network(), net, false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("model.properties"));
      p.store(zip, "umbra LSTM model");
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("network.zip"));
      net.writeTo(zip);
      zip.closeEntry();
    }
    return out.toByteArray();
  }

  /** @throws IOException when the bytes are not a model of this format */
  public static LstmModel fromBytes(byte[] bytes) throws IOException {
    Properties p = null;
    byte[] net = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.getName().equals("model.properties")) {
          p = new Properties();
          p.load(new NonClosing(zip));
        } else if (e.getName().equals("network.zip")) {
          net = zip.readAllBytes();
        }
      }
    }
    if (p == null || net == null) {
      throw new IOException("not an umbra LSTM model (model.properties or network.zip missing)");
    }
    int format = Integer.parseInt(p.getProperty("format", "0"));
    if (format != FORMAT) {
      throw new IOException("model format " + format + ", this build reads " + FORMAT);
    }
    try {
      double[] levels = Arrays.stream(p.getProperty("levels").split(",")).mapToDouble(Double::parseDouble).toArray();
      MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(net), false);
      return new LstmModel(network, QuantileLevels.of(levels), Long.parseLong(p.getProperty("blockSec")),
          Long.parseLong(p.getProperty("horizonSec")), Integer.parseInt(p.getProperty("version")),
          Instant.parse(p.getProperty("trainedUntil")));
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read model: " + e.getMessage(), e);
    }
  }

  /** Properties.load closes nothing, but be explicit: the zip stream must stay open. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
