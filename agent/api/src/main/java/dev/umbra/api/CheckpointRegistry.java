package dev.umbra.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered states. Registration and checkpoint calls are serialised by one lock, so a
 * state is never added or removed while it is quiesced.
 */
final class CheckpointRegistry implements CheckpointRegistryMBean {
  private final Map<String, Checkpointable> states = new LinkedHashMap<>();
  private final List<Checkpointable> quiesced = new ArrayList<>();

  synchronized Registration add(Checkpointable state) {
    String name = state.name();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a Checkpointable needs a non-blank name");
    }
    if (states.containsKey(name)) {
      throw new IllegalArgumentException("a state named '" + name + "' is registered already");
    }
    states.put(name, state);
    return new Registration() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (CheckpointRegistry.this) {
          if (!closed) {
            closed = true;
            states.remove(name, state);
          }
        }
      }
    };
  }

  @Override
  public synchronized String[] getNames() {
    return states.keySet().toArray(new String[0]);
  }

  @Override
  public synchronized void beforeCheckpoint() throws Exception {
    if (!quiesced.isEmpty()) {
      throw new IllegalStateException("a checkpoint is in progress already");
    }
    for (Checkpointable state : states.values()) {
      try {
        state.beforeCheckpoint();
        quiesced.add(state);
      } catch (Exception e) {
        try {
          afterCheckpoint();
        } catch (Exception resumeFailure) {
          e.addSuppressed(resumeFailure);
        }
        throw e;
      }
    }
  }

  @Override
  public synchronized void snapshot(String name, OutputStream out) throws Exception {
    requireQuiesced(name).snapshot(out);
  }

  @Override
  public synchronized void restore(String name, InputStream in) throws Exception {
    requireQuiesced(name).restore(in);
  }

  @Override
  public synchronized void afterCheckpoint() throws Exception {
    Exception first = null;
    for (int i = quiesced.size() - 1; i >= 0; i--) {
      try {
        quiesced.get(i).afterCheckpoint();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    quiesced.clear();
    if (first != null) {
      throw first;
    }
  }

  private Checkpointable requireQuiesced(String name) throws IOException {
    Checkpointable state = states.get(name);
    if (state == null) {
      throw new IOException("no state named '" + name + "' is registered");
    }
    if (!quiesced.contains(state)) {
      throw new IllegalStateException("state '" + name + "' is not quiesced: call beforeCheckpoint first");
    }
    return state;
  }
}
