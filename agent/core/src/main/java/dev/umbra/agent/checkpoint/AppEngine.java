package dev.umbra.agent.checkpoint;

import dev.umbra.agent.log.AgentLog;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The {@code app} engine: on a checkpoint, quiesces every registered state (registries in a
 * stable order, states in registration order), streams each snapshot to the shadow and resumes
 * them; on a rollback, quiesces, streams each stored state back into the state of the same
 * name, and resumes. Resuming always happens, whatever failed in between.
 *
 * <p>{@code org.crac.Resource}s are not called: on a JDK without CRaC, org.crac's global
 * context drops registrations (its {@code register} does nothing when no CRaC implementation
 * is present), so they cannot be reached from here; see docs/checkpoints.md.
 */
public final class AppEngine implements CheckpointEngine {
  public static final String NAME = "app";

  private final Registries registries;
  private final Supplier<StateTransfer> transfer;

  /**
   * @param servers the MBean server the registries are published in, once it exists (empty before)
   * @param transfer the transfer to the shadow, once connected (null before)
   */
  AppEngine(Supplier<Optional<MBeanServer>> servers, Supplier<StateTransfer> transfer) {
    this.registries = new Registries(servers);
    this.transfer = transfer;
  }

  /**
   * The engine over the platform MBean server, which it never creates: umbra-api creates it when
   * an application publishes a registry. Call {@link #poll} now and then to notice that.
   *
   * @param transfer the transfer to the shadow, once connected (null before)
   */
  public static AppEngine overPlatformServer(Supplier<StateTransfer> transfer) {
    return new AppEngine(Registries::platformIfCreated, transfer);
  }

  /**
   * Runs {@code changed} when an application publishes a registry (the Hello is then stale), from
   * the first {@link #poll} that finds the MBean server on.
   */
  public void onRegistriesChanged(Runnable changed) {
    registries.onRegistered(changed);
  }

  /** Notices an MBean server created since the last call (cheap; any thread). */
  public void poll() {
    registries.poll();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean available() {
    return !registries.find().isEmpty();
  }

  @Override
  public List<String> stateNames() {
    try {
      return new ArrayList<>(states().keySet());
    } catch (Exception e) {
      return List.of();
    }
  }

  /** State name → its registry, in checkpoint order; a name registered twice is an error. */
  private Map<String, ObjectName> states() throws Exception {
    Map<String, ObjectName> states = new LinkedHashMap<>();
    for (ObjectName registry : registries.find()) {
      for (String name : registries.names(registry)) {
        if (states.putIfAbsent(name, registry) != null) {
          throw new CheckpointFailure("two copies of umbra-api registered a state named '" + name + "'");
        }
      }
    }
    return states;
  }

  @Override
  public Map<String, String> checkpoint(String checkpointId) throws Exception {
    long t0 = System.nanoTime();
    StateTransfer to = requireTransfer();
    List<ObjectName> all = registries.find();
    if (all.isEmpty()) {
      throw new CheckpointFailure("the application registered no Checkpointable (umbra-api Umbra.register)");
    }
    Map<String, String> details = new LinkedHashMap<>();
    whileQuiesced(all, () -> {
      Map<String, ObjectName> states = states();
      long quiescedAt = System.nanoTime();
      try (StateTransfer.Upload upload = to.upload(checkpointId)) {
        for (Map.Entry<String, ObjectName> state : states.entrySet()) {
          try (OutputStream out = upload.state(state.getKey())) {
            registries.snapshot(state.getValue(), state.getKey(), out);
          }
        }
        StateTransfer.Summary summary = upload.finish();
        details.put("checkpoint_bytes", Long.toString(summary.sizeBytes()));
        details.put("sha256", summary.sha256());
        details.put("states", String.join(",", states.keySet()));
        details.put("snapshot_ms", Long.toString((System.nanoTime() - quiescedAt) / 1_000_000));
      }
    });
    details.put("total_ms", Long.toString((System.nanoTime() - t0) / 1_000_000));
    return details;
  }

  @Override
  public Map<String, String> restore(String checkpointId) throws Exception {
    long t0 = System.nanoTime();
    StateTransfer from = requireTransfer();
    List<ObjectName> all = registries.find();
    if (all.isEmpty()) {
      throw new CheckpointFailure("the application registered no Checkpointable to restore into");
    }
    Map<String, String> details = new LinkedHashMap<>();
    whileQuiesced(all, () -> {
      Map<String, ObjectName> states = states();
      Set<String> restored = new LinkedHashSet<>();
      long[] bytes = {0};
      from.download(checkpointId, (name, in) -> {
        ObjectName registry = states.get(name);
        if (registry == null) {
          throw new CheckpointFailure("checkpoint " + checkpointId + " holds state '" + name
              + "', which this application has not registered");
        }
        CountingInput counted = new CountingInput(in);
        registries.restore(registry, name, counted);
        bytes[0] += counted.count();
        restored.add(name);
      });
      details.put("states", String.join(",", restored));
      details.put("restored_bytes", Long.toString(bytes[0]));
      Set<String> untouched = new LinkedHashSet<>(states.keySet());
      untouched.removeAll(restored);
      if (!untouched.isEmpty()) {
        details.put("not_in_checkpoint", String.join(",", untouched));
      }
    });
    details.put("total_ms", Long.toString((System.nanoTime() - t0) / 1_000_000));
    AgentLog.info("restored checkpoint " + checkpointId + ": " + details);
    return details;
  }

  /** What runs while the application's states are quiesced. */
  private interface Quiesced {
    void run() throws Exception;
  }

  /**
   * Quiesces every registry in order, runs {@code work}, then resumes those quiesced in reverse
   * order whatever happened; throws the first failure, later ones suppressed.
   */
  private void whileQuiesced(List<ObjectName> all, Quiesced work) throws Exception {
    List<ObjectName> quiesced = new ArrayList<>();
    Exception failure = null;
    try {
      for (ObjectName registry : all) {
        registries.before(registry); // a registry that fails resumes its own states
        quiesced.add(registry);
      }
      work.run();
    } catch (Exception e) {
      failure = e;
    } finally {
      failure = resume(quiesced, failure);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Resumes in reverse order; returns the first failure (earlier one first). */
  private Exception resume(List<ObjectName> quiesced, Exception failure) {
    for (int i = quiesced.size() - 1; i >= 0; i--) {
      try {
        registries.after(quiesced.get(i));
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    return failure;
  }

  private StateTransfer requireTransfer() throws CheckpointFailure {
    StateTransfer t = transfer.get();
    if (t == null) {
      throw new CheckpointFailure("not connected to a shadow");
    }
    return t;
  }

  /** A checkpoint or restore that cannot proceed, with a message for the shadow. */
  public static final class CheckpointFailure extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckpointFailure(String message) {
      super(message);
    }
  }

  private static final class CountingInput extends FilterInputStream {
    private long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public void close() {
      // the transfer owns the stream
    }

    long count() {
      return count;
    }
  }
}
