package dev.umbra.agent;

import dev.umbra.agent.checkpoint.JdkCrac;
import dev.umbra.agent.jfr.JfrCollector;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.sampler.JvmIntrospection;
import dev.umbra.agent.sampler.Sampler;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.transport.SessionSecret;
import dev.umbra.agent.transport.ShadowConnection;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The agent's parts that hold sockets, files or busy threads, and the CRaC resource that closes
 * them before a checkpoint and opens them again after (a CRaC JDK refuses to checkpoint a JVM
 * with an open socket or file). It owns the stream to the shadow and the JFR stream for the
 * agent's whole run, across checkpoints; {@link AgentRuntime} asks it for the current ones.
 *
 * <p>{@link #beforeCheckpoint}: pauses the sampler (its batch in progress goes into the buffer,
 * the old-object recording is closed), waits up to {@link #FLUSH_BUDGET} for the shadow to
 * acknowledge every buffered batch, closes the stream, its channels and event loop, then the JFR
 * stream. {@link #afterRestore}: opens a JFR stream and the stream to the shadow, and samples
 * again. In a JVM restored from an image (its restore time changed) that is a new run: a new
 * primary id {@code <host>/<pid>/<restore ms>}, a new session secret, batches numbered from 1,
 * and what the buffer still held of the checkpointed run dropped and counted. After a checkpoint
 * that failed it is the same run: same id, same secret, the buffer resent, numbers continuing.
 *
 * <p>Both callbacks are idempotent (a second call does nothing) and serialized; failures are
 * logged, never thrown into the application's checkpoint, except a transport that did not close
 * within {@link #CLOSE_BUDGET}: that fails the checkpoint with the reason, as CRaC expects.
 */
final class CracResource implements JdkCrac.Resource, AutoCloseable {
  static final Duration PAUSE_BUDGET = Duration.ofSeconds(2);
  static final Duration FLUSH_BUDGET = Duration.ofSeconds(3);
  static final Duration CLOSE_BUDGET = Duration.ofSeconds(2);

  /**
   * What the resource restarts.
   *
   * @param jfr starts a JFR stream (with the sampling in force), or none when JFR is off or fails
   * @param transport opens the stream to the shadow for an identity and its session secret
   */
  record Parts(Sampler sampler, BatchBuffer buffer, Supplier<Optional<JfrCollector>> jfr,
      BiFunction<Identity, SessionSecret, ShadowConnection> transport) {
    Parts {
      Objects.requireNonNull(sampler, "sampler");
      Objects.requireNonNull(buffer, "buffer");
      Objects.requireNonNull(jfr, "jfr");
      Objects.requireNonNull(transport, "transport");
    }
  }

  private final Parts parts;
  private final Supplier<OptionalLong> restoreTime;
  private final Object lock = new Object();
  private volatile Identity identity;
  private volatile Optional<JfrCollector> jfr = Optional.empty();
  private volatile ShadowConnection connection;
  /** Guarded by {@link #lock}. */
  private boolean suspended;
  private boolean closed;
  private OptionalLong restoreTimeAtCheckpoint = OptionalLong.empty();
  private SessionSecret secretAtCheckpoint;

  /**
   * @param restoreTime when this JVM was restored from an image ({@link JdkCrac#restoreTimeMillis})
   */
  CracResource(Parts parts, Identity identity, Supplier<OptionalLong> restoreTime) {
    this.parts = parts;
    this.identity = identity;
    this.restoreTime = restoreTime;
  }

  /** Starts the JFR stream; before the sampler starts. */
  Optional<JfrCollector> startJfr() {
    synchronized (lock) {
      jfr = parts.jfr().get();
      return jfr;
    }
  }

  /** Opens the first stream to the shadow, with a new session secret. */
  ShadowConnection connect() {
    synchronized (lock) {
      connection = parts.transport().apply(identity, SessionSecret.random());
      return connection;
    }
  }

  Identity identity() {
    return identity;
  }

  Optional<JfrCollector> jfr() {
    return jfr;
  }

  /** The stream to the shadow: closed between a checkpoint and its restore; null before {@link #connect}. */
  ShadowConnection connection() {
    return connection;
  }

  @Override
  public void beforeCheckpoint() {
    synchronized (lock) {
      if (suspended || closed) {
        return;
      }
      suspended = true;
      restoreTimeAtCheckpoint = restoreTime.get();
      long t0 = System.nanoTime();
      try {
        parts.sampler().pause(PAUSE_BUDGET);
      } catch (Exception e) {
        AgentLog.warn("CRaC checkpoint: the sampler did not pause, it may sample into the checkpoint", e);
      }
      ShadowConnection link = connection;
      boolean closedLink = true;
      if (link != null) {
        secretAtCheckpoint = link.sessionSecret();
        boolean flushed = false;
        try {
          flushed = link.flush(FLUSH_BUDGET);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the checkpointing thread's own: closing goes on
        }
        if (!flushed) {
          AgentLog.warn("CRaC checkpoint: " + parts.buffer().size() + " batch(es) not acknowledged by the shadow;"
              + " resent after a failed checkpoint, dropped and counted in a restored JVM");
        }
        closedLink = link.closeAndAwait(CLOSE_BUDGET);
      }
      jfr.ifPresent(JfrCollector::close);
      jfr = Optional.empty();
      if (!closedLink) {
        throw new IllegalStateException("umbra agent: its connection to the shadow did not close within "
            + CLOSE_BUDGET.toMillis() + " ms; the checkpoint would hold its socket");
      }
      AgentLog.info("CRaC checkpoint: stream to the shadow, JFR and sampling closed in "
          + (System.nanoTime() - t0) / 1_000_000 + " ms, primary " + identity.primaryId());
    }
  }

  @Override
  public void afterRestore() {
    synchronized (lock) {
      if (!suspended || closed) {
        return;
      }
      suspended = false;
      OptionalLong now = restoreTime.get();
      // unknown restore times count as a restore: two JVMs restored from one image must never
      // speak under one id, while a new id for the same JVM only splits its history
      boolean newRun = now.isEmpty() || restoreTimeAtCheckpoint.isEmpty() || now.getAsLong() != restoreTimeAtCheckpoint.getAsLong();
      SessionSecret secret = secretAtCheckpoint == null ? SessionSecret.random() : secretAtCheckpoint;
      if (newRun) {
        String before = identity.primaryId();
        long restoredAt = now.isPresent() && now.getAsLong() > 0 ? now.getAsLong() : System.currentTimeMillis();
        identity = JvmIntrospection.restored(identity, restoredAt);
        secret = SessionSecret.random();
        int dropped = parts.buffer().clear();
        parts.sampler().restartSequence();
        AgentLog.info("CRaC restore: primary " + before + " continues as " + identity.primaryId()
            + (dropped > 0 ? ", " + dropped + " unacknowledged batch(es) of the checkpointed run dropped" : ""));
      } else {
        AgentLog.info("CRaC checkpoint did not happen: primary " + identity.primaryId() + " resumes");
      }
      try {
        jfr = parts.jfr().get();
      } catch (RuntimeException e) {
        AgentLog.warn("CRaC restore: JFR did not start again, running without it", e);
        jfr = Optional.empty();
      }
      try {
        connection = parts.transport().apply(identity, secret);
      } catch (RuntimeException e) {
        AgentLog.error("CRaC restore: cannot reconnect to the shadow; the application runs on without the agent's stream", e);
      }
      try {
        parts.sampler().resume(jfr);
      } catch (RuntimeException e) {
        AgentLog.warn("CRaC restore: the sampler did not resume", e);
      }
    }
  }

  /** Closes the stream to the shadow and the JFR stream (JVM shutdown); idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      ShadowConnection link = connection;
      if (link != null) {
        link.close();
      }
      jfr.ifPresent(JfrCollector::close);
      jfr = Optional.empty();
    }
  }
}
