package dev.umbra.agent.checkpoint.fakecrac;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Shaped like {@code jdk.crac.Core}: a global context that, like the JDK's, holds its resources
 * weakly, calls {@code beforeCheckpoint} newest first and {@code afterRestore} oldest first,
 * and calls {@code afterRestore} even after a failed checkpoint. {@link #checkpointRestore} plays
 * a checkpoint and its restore in this JVM; it returns the checkpoint's failures.
 */
public final class Core {
  private static final Global global = new Global();
  private static volatile boolean refusing;

  private Core() {}

  public static Context<Resource> getGlobalContext() {
    return global;
  }

  /** Runs every live resource's beforeCheckpoint then afterRestore; returns what they threw. */
  public static List<Exception> checkpointRestore() {
    return global.run();
  }

  /** Makes register throw, as the JDK's does while a checkpoint runs. */
  public static void refuseRegistrations(boolean refuse) {
    refusing = refuse;
  }

  /** Forgets every resource (between tests). */
  public static void reset() {
    global.resources.clear();
  }

  private static final class Global extends Context<Resource> {
    final List<WeakReference<Resource>> resources = new ArrayList<>();

    @Override
    public synchronized void register(Resource resource) {
      if (refusing) {
        throw new IllegalStateException("checkpoint in progress");
      }
      resources.add(new WeakReference<>(resource));
    }

    synchronized List<Exception> run() {
      List<Resource> live = new ArrayList<>();
      resources.forEach(r -> {
        if (r.get() != null) {
          live.add(r.get());
        }
      });
      List<Exception> failures = new ArrayList<>();
      for (int i = live.size() - 1; i >= 0; i--) {
        try {
          live.get(i).beforeCheckpoint(this);
        } catch (Exception e) {
          failures.add(e);
        }
      }
      for (Resource r : live) {
        try {
          r.afterRestore(this);
        } catch (Exception e) {
          failures.add(e);
        }
      }
      return failures;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {}

    @Override
    public void afterRestore(Context<? extends Resource> context) {}
  }
}
