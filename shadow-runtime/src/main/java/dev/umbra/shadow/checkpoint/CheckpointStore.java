package dev.umbra.shadow.checkpoint;

import dev.umbra.shadow.checkpoint.CheckpointManifest.StateEntry;
import dev.umbra.shadow.checkpoint.CheckpointManifest.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on disk, per workload: {@code <root>/<workload>/<id>/} holds one file per state
 * and a {@code manifest.properties} with every state's SHA-256.
 *
 * <p>Writes are atomic: a checkpoint is written into a hidden {@code .<id>.tmp} folder, every
 * file is fsynced, the manifest is written last, and the folder is renamed into place; a crash
 * at any point leaves either the whole checkpoint or none of it (leftover temp folders are
 * removed at start). Reads verify every digest; a mismatch marks the checkpoint CORRUPT.
 * Retention keeps the newest {@code keep} checkpoints of a workload and its newest known-good.
 *
 * <p>Thread-safe: methods that change a workload's folder synchronise on the store.
 */
public final class CheckpointStore {
  private static final Logger logger = LoggerFactory.getLogger(CheckpointStore.class);
  static final String MANIFEST = "manifest.properties";

  private final Path root;
  private final int keep;

  /**
   * @param keep how many checkpoints of a workload to keep besides its newest known-good
   */
  public CheckpointStore(Path root, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    this.root = root;
    this.keep = keep;
    try {
      Files.createDirectories(root);
      removeLeftovers();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use checkpoint folder " + root, e);
    }
  }

  /** Starts writing a checkpoint; nothing is visible until {@link Pending#commit()}. */
  public Pending begin(String id, String primaryId, String workload, String engine, Instant created)
      throws IOException {
    requireSafe("checkpoint id", id);
    Path dir = workloadDir(workload);
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + id + ".tmp");
    if (Files.exists(dir.resolve(id)) || Files.exists(tmp)) {
      throw new IOException("checkpoint " + id + " exists already");
    }
    Files.createDirectory(tmp);
    return new Pending(new Header(id, primaryId, workload, engine, created), dir, tmp);
  }

  /** What the manifest will say about a checkpoint being written, known when writing starts. */
  private record Header(String id, String primaryId, String workload, String engine, Instant created) {}

  /** A checkpoint being written: states in order, each chunk at the offset where the last ended. */
  public final class Pending implements AutoCloseable {
    private final String id;
    private final String primaryId;
    private final String workload;
    private final String engine;
    private final Instant created;
    private final Path dir;
    private final Path tmp;
    private final List<StateEntry> states = new ArrayList<>();
    private String current;
    private FileChannel channel;
    private MessageDigest digest;
    private long written;
    private boolean done;

    /** Writes into {@code tmp}, a hidden folder in the workload's {@code dir}, renamed on commit. */
    private Pending(Header header, Path dir, Path tmp) {
      this.id = header.id();
      this.primaryId = header.primaryId();
      this.workload = header.workload();
      this.engine = header.engine();
      this.created = header.created();
      this.dir = dir;
      this.tmp = tmp;
    }

    public String id() {
      return id;
    }

    public String primaryId() {
      return primaryId;
    }

    /**
     * Appends {@code data} to state {@code name} at {@code offset}.
     *
     * @throws IllegalArgumentException for a chunk out of order or a state that reappears
     */
    public synchronized void append(String name, long offset, ByteBuffer data) throws IOException {
      if (done) {
        throw new IllegalStateException("checkpoint " + id + " is finished");
      }
      if (!name.equals(current)) {
        if (current != null) {
          throw new IllegalArgumentException("state '" + current + "' ended without state_end before '" + name + "'");
        }
        if (name.isBlank()) {
          throw new IllegalArgumentException("state_name is missing");
        }
        if (states.stream().anyMatch(s -> s.name().equals(name))) {
          throw new IllegalArgumentException("state '" + name + "' was sent twice");
        }
        current = name;
        channel = FileChannel.open(tmp.resolve("state-" + states.size() + ".bin"),
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        digest = Digests.sha256();
        written = 0;
      }
      if (offset != written) {
        throw new IllegalArgumentException(
            "state '" + name + "': chunk at offset " + offset + ", expected " + written);
      }
      ByteBuffer forDigest = data.duplicate();
      digest.update(forDigest);
      while (data.hasRemaining()) {
        written += channel.write(data);
      }
    }

    /**
     * Ends state {@code name}; {@code expectedSha256} (hex, may be empty) must match what arrived.
     *
     * @throws CorruptCheckpointException when the bytes do not match the sender's digest
     */
    public synchronized void endState(String name, String expectedSha256) throws IOException, CorruptCheckpointException {
      if (!name.equals(current)) {
        if (current == null && states.stream().noneMatch(s -> s.name().equals(name))) {
          append(name, 0, ByteBuffer.allocate(0)); // an empty state
        } else {
          throw new IllegalArgumentException("state_end for '" + name + "' while '" + current + "' is open");
        }
      }
      channel.force(true);
      channel.close();
      String actual = Digests.hex(digest.digest());
      if (!expectedSha256.isEmpty() && !expectedSha256.equalsIgnoreCase(actual)) {
        throw new CorruptCheckpointException(
            "state '" + name + "' of " + id + ": SHA-256 " + actual + " but the agent sent " + expectedSha256);
      }
      states.add(new StateEntry(name, written, actual));
      current = null;
      channel = null;
    }

    /** Makes the checkpoint visible, atomically, then applies retention. */
    public CheckpointManifest commit() throws IOException {
      CheckpointManifest manifest;
      synchronized (this) {
        if (current != null) {
          throw new IllegalArgumentException("state '" + current + "' has no state_end");
        }
        done = true;
        manifest = new CheckpointManifest(id, primaryId, workload, engine, created, states,
            Digests.overall(states), Trust.TAKEN);
        writeManifest(tmp, manifest);
        fsyncDirectory(tmp);
        move(tmp, dir.resolve(id));
        fsyncDirectory(dir);
      }
      applyRetention(workload);
      return manifest;
    }

    /** Drops what was written; idempotent. */
    @Override
    public synchronized void close() {
      if (done) {
        return;
      }
      done = true;
      try {
        if (channel != null) {
          channel.close();
        }
        deleteTree(tmp);
      } catch (IOException e) {
        logger.warn("cannot remove unfinished checkpoint {}", tmp, e);
      }
    }
  }

  /** Checkpoints of a workload, newest first, as their manifests say (not verified). */
  public List<CheckpointManifest> list(String workload) throws IOException {
    Path dir = workloadDir(workload);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<CheckpointManifest> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (!p.getFileName().toString().startsWith(".") && Files.isRegularFile(p.resolve(MANIFEST))) {
          try {
            out.add(readManifest(p));
          } catch (IOException | RuntimeException e) {
            logger.warn("skipping checkpoint {} with an unreadable manifest: {}", p, e.toString());
          }
        }
      }
    }
    out.sort(Comparator.comparing(CheckpointManifest::created).thenComparing(CheckpointManifest::id).reversed());
    return out;
  }

  /** Every workload with a checkpoint folder. */
  public List<String> workloads() throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Finds a checkpoint by id in any workload. */
  public Optional<CheckpointManifest> find(String id) throws IOException {
    for (String workload : workloads()) {
      for (CheckpointManifest m : list(workload)) {
        if (m.id().equals(id)) {
          return Optional.of(m);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Re-reads every state and checks it against the manifest; a mismatch marks the checkpoint
   * CORRUPT on disk and throws.
   */
  public CheckpointManifest verify(CheckpointManifest manifest) throws IOException, CorruptCheckpointException {
    Path dir = workloadDir(manifest.workload()).resolve(manifest.id());
    for (int i = 0; i < manifest.states().size(); i++) {
      StateEntry state = manifest.states().get(i);
      Path file = dir.resolve("state-" + i + ".bin");
      String problem = null;
      try (InputStream in = Files.newInputStream(file)) {
        MessageDigest d = Digests.sha256();
        byte[] buffer = new byte[1 << 16];
        long size = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          d.update(buffer, 0, n);
          size += n;
        }
        if (size != state.sizeBytes()) {
          problem = size + " bytes, the manifest says " + state.sizeBytes();
        } else if (!Digests.hex(d.digest()).equals(state.sha256())) {
          problem = "SHA-256 does not match the manifest";
        }
      } catch (NoSuchFileException e) {
        problem = "its file is missing";
      }
      if (problem != null) {
        markTrust(manifest, Trust.CORRUPT);
        throw new CorruptCheckpointException(
            "checkpoint " + manifest.id() + " state '" + state.name() + "': " + problem);
      }
    }
    if (!Digests.overall(manifest.states()).equals(manifest.sha256())) {
      markTrust(manifest, Trust.CORRUPT);
      throw new CorruptCheckpointException("checkpoint " + manifest.id() + ": manifest digest does not match its states");
    }
    return manifest;
  }

  /** Opens state {@code index} of a checkpoint (verify first). */
  public InputStream openState(CheckpointManifest manifest, int index) throws IOException {
    return Files.newInputStream(workloadDir(manifest.workload()).resolve(manifest.id()).resolve("state-" + index + ".bin"));
  }

  /**
   * The newest checkpoint of {@code workload} with the given trust that passes verification;
   * corrupt ones on the way are marked and skipped.
   */
  public Optional<CheckpointManifest> newestVerified(String workload, Trust trust) throws IOException {
    for (CheckpointManifest m : list(workload)) {
      if (m.trust() != trust) {
        continue;
      }
      try {
        return Optional.of(verify(m));
      } catch (CorruptCheckpointException e) {
        logger.error("workload={} skipping corrupt checkpoint: {}", workload, e.getMessage());
      }
    }
    return Optional.empty();
  }

  /** Rewrites a checkpoint's manifest with a new trust, atomically. */
  public synchronized CheckpointManifest markTrust(CheckpointManifest manifest, Trust trust) throws IOException {
    Path dir = workloadDir(manifest.workload()).resolve(manifest.id());
    CheckpointManifest updated = manifest.withTrust(trust);
    writeManifest(dir, updated);
    return updated;
  }

  private synchronized void applyRetention(String workload) throws IOException {
    List<CheckpointManifest> all = list(workload);
    Optional<CheckpointManifest> knownGood = all.stream().filter(m -> m.trust() == Trust.KNOWN_GOOD).findFirst();
    for (int i = keep; i < all.size(); i++) {
      CheckpointManifest m = all.get(i);
      if (knownGood.isPresent() && knownGood.get().id().equals(m.id())) {
        continue;
      }
      deleteTree(workloadDir(workload).resolve(m.id()));
      logger.info("workload={} checkpoint {} removed by retention", workload, m.id());
    }
  }

  private Path workloadDir(String workload) {
    requireSafe("workload", workload);
    return root.resolve(workload);
  }

  private static void requireSafe(String what, String value) {
    if (value == null || value.isEmpty() || value.length() > 128 || !value.matches("[A-Za-z0-9_.-]+") || value.startsWith(".")) {
      throw new IllegalArgumentException(what + " '" + value + "' is not a safe name ([A-Za-z0-9_.-], at most 128)");
    }
  }

  private static void writeManifest(Path dir, CheckpointManifest m) throws IOException {
    Properties p = new Properties();
    p.setProperty("id", m.id());
    p.setProperty("primary", m.primaryId());
    p.setProperty("workload", m.workload());
    p.setProperty("engine", m.engine());
    p.setProperty("created", Long.toString(m.created().toEpochMilli()));
    p.setProperty("trust", m.trust().name());
    p.setProperty("sha256", m.sha256());
    p.setProperty("states", Integer.toString(m.states().size()));
    for (int i = 0; i < m.states().size(); i++) {
      StateEntry s = m.states().get(i);
      p.setProperty("state." + i + ".name", s.name());
      p.setProperty("state." + i + ".size", Long.toString(s.sizeBytes()));
      p.setProperty("state." + i + ".sha256", s.sha256());
    }
    Path tmp = dir.resolve(MANIFEST + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(new OutputStreamWriter(out, StandardCharsets.UTF_8), "Umbra checkpoint manifest");
    }
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      c.force(true);
    }
    move(tmp, dir.resolve(MANIFEST));
    fsyncDirectory(dir);
  }

  private static CheckpointManifest readManifest(Path dir) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve(MANIFEST), StandardCharsets.UTF_8)) {
      p.load(r);
    }
    int n = Integer.parseInt(p.getProperty("states"));
    List<StateEntry> states = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      states.add(new StateEntry(
          p.getProperty("state." + i + ".name"),
          Long.parseLong(p.getProperty("state." + i + ".size")),
          p.getProperty("state." + i + ".sha256")));
    }
    return new CheckpointManifest(
        p.getProperty("id"), p.getProperty("primary"), p.getProperty("workload"), p.getProperty("engine"),
        Instant.ofEpochMilli(Long.parseLong(p.getProperty("created"))), states, p.getProperty("sha256"),
        Trust.valueOf(p.getProperty("trust")));
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the checkpoint folder's file system cannot rename atomically: " + from.getParent(), e);
    }
  }

  /** Makes a rename or a new file in {@code dir} durable (Linux: fsync on the directory). */
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // some file systems refuse to open directories; the rename is still atomic there
      logger.debug("cannot fsync directory {}: {}", dir, e.toString());
    }
  }

  private void removeLeftovers() throws IOException {
    try (Stream<Path> workloads = Files.list(root)) {
      for (Path w : workloads.filter(Files::isDirectory).toList()) {
        try (Stream<Path> entries = Files.list(w)) {
          for (Path e : entries.filter(p -> p.getFileName().toString().startsWith(".") && p.getFileName().toString().endsWith(".tmp")).toList()) {
            logger.info("removing unfinished checkpoint {}", e);
            deleteTree(e);
          }
        }
      }
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
