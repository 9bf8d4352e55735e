package dev.umbra.it.support;

import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ControlServiceGrpc;
import dev.umbra.proto.v1.Criticality;
import dev.umbra.proto.v1.Hello;
import dev.umbra.proto.v1.JvmInfo;
import dev.umbra.proto.v1.SamplingConfig;
import dev.umbra.proto.v1.SeriesData;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryBatch;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulated agent on a real gRPC channel, for integration tests and the ingest benchmark. It
 * opens {@code TelemetryService.Connect}, sends Hello and then batches of the 16 canonical series,
 * and keeps every batch the shadow has not acknowledged so that it can resend them after a
 * reconnect, as the real agent does.
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@link Options#high paced} ("high" criticality): a batch every {@code batchPeriod} with
 *       several points per series, in real time. Point {@code n} of series {@code i} is at
 *       {@code origin + n·pointPeriod} and its value is an integer that depends only on
 *       {@code (i, n)}, so the primary knows exactly what each grid second must hold and can
 *       {@link #verify} it through {@code ControlService.GetSeries}.
 *   <li>{@link Options#flood flood} (the benchmark): large batches stamped with the current time,
 *       sent as fast as gRPC flow control allows; nothing is kept for resending.
 * </ul>
 *
 * <p>It respects flow control: batches go out only while {@link ClientCallStreamObserver#isReady()}
 * and the rest wait in a bounded buffer that drops its oldest batch when full (and reports the
 * drop in the next batch), like the agent's. It tracks the highest acknowledged sequence and the
 * points the shadow reported as rejected.
 *
 * <p>Thread-safe: the scheduler, gRPC callbacks and the test thread meet under {@code this}.
 */
public final class SimulatedPrimary implements AutoCloseable {
  /**
   * The canonical series ({@code docs/architecture.md}, "Canonical series"), in a fixed order:
   * series {@code i} is this list's i-th.
   */
  public static final List<String> CANONICAL_SERIES = SimulatedPrimaryData.CANONICAL_SERIES;

  /** Proves this primary's id on every Hello, as the agent's in-memory secret does (issue 18). */
  private final com.google.protobuf.ByteString sessionSecret;

  /**
   * How the primary sends.
   *
   * @param batchPeriod time between batches (paced) and the span of one batch's points
   * @param pointsPerSeries points of each series in one batch
   * @param phaseMillis offset of the first point from a whole second; 0 aligns every batch with
   *     the grid, anything else makes some batches straddle two grid seconds, as a real agent's do
   * @param bufferBatches unacknowledged batches kept before the oldest is dropped
   * @param keepAcknowledged acknowledged batches kept anyway, so a test can resend them
   * @param flood send as fast as flow control allows, stamped now, instead of paced
   */
  public record Options(
      String primaryId,
      Duration batchPeriod,
      int pointsPerSeries,
      long phaseMillis,
      int bufferBatches,
      int keepAcknowledged,
      boolean flood) {
    public Options {
      Objects.requireNonNull(primaryId, "primaryId");
      if (!flood && batchPeriod.toMillis() % pointsPerSeries != 0) {
        throw new IllegalArgumentException("batchPeriod must be a multiple of pointsPerSeries ms");
      }
    }

    /** "high" criticality: a batch every 200 ms with 4 points per series, straddling seconds. */
    public static Options high(String primaryId) {
      return new Options(primaryId, Duration.ofMillis(200), 4, 100, 3_000, 64, false);
    }

    /** As fast as flow control allows, {@code pointsPerSeries} points per series per batch. */
    public static Options flood(String primaryId, int pointsPerSeries) {
      return new Options(primaryId, Duration.ofMillis(200), pointsPerSeries, 0, 0, 0, true);
    }

    public Options withPhaseMillis(long phase) {
      return new Options(primaryId, batchPeriod, pointsPerSeries, phase, bufferBatches, keepAcknowledged, flood);
    }

    long pointPeriodMillis() {
      return batchPeriod.toMillis() / pointsPerSeries;
    }
  }

  private final Options options;
  private final Channel channel;
  private final long originMillis;
  /** Batches not yet acknowledged, plus the last few acknowledged ones (paced mode only). */
  private final TreeMap<Long, TelemetryBatch> buffer = new TreeMap<>();
  private final BitSet dropped = new BitSet();
  private final List<Status> streamEnds = new ArrayList<>();
  private ScheduledFuture<?> producer;
  private Stream stream;
  private long produced;
  private long producedPoints;
  private long nextToSend = 1;
  private long sentBatches;
  private long highestAck;
  private long acks;
  private long rejectedPoints;
  private String firstRejection = "";
  private long droppedSinceLastBatch;
  private long droppedPointsSinceLastBatch;
  private long floodLastMillis;
  private TelemetryBatch pendingFlood;
  private boolean stopped;

  private SimulatedPrimary(Options options, Channel channel, com.google.protobuf.ByteString sessionSecret) {
    this.options = options;
    this.channel = channel;
    this.sessionSecret = sessionSecret;
    long now = System.currentTimeMillis();
    this.originMillis = (now / 1000 + 1) * 1000 + options.phaseMillis();
    this.floodLastMillis = now;
  }

  /**
   * Connects and starts sending. Paced primaries produce their first batch one period after
   * their origin (the next whole second plus the phase).
   *
   * @param scheduler runs the paced producer; may be shared by many primaries
   */
  public static SimulatedPrimary start(Options options, Channel channel, ScheduledExecutorService scheduler) {
    return start(options, channel, scheduler, newSessionSecret().toByteArray());
  }

  /**
   * Like {@link #start(Options, Channel, ScheduledExecutorService)}, proving {@code sessionSecret}
   * (16 to 64 bytes): to take over the primary of another stream that bound it.
   */
  public static SimulatedPrimary start(Options options, Channel channel, ScheduledExecutorService scheduler,
      byte[] sessionSecret) {
    SimulatedPrimary primary =
        new SimulatedPrimary(options, channel, com.google.protobuf.ByteString.copyFrom(sessionSecret));
    primary.connect();
    if (!options.flood()) {
      long period = options.batchPeriod().toMillis();
      long delay = primary.originMillis + period - System.currentTimeMillis();
      synchronized (primary) {
        primary.producer =
            scheduler.scheduleAtFixedRate(primary::produceDue, Math.max(0, delay), period, TimeUnit.MILLISECONDS);
      }
    }
    return primary;
  }

  public String primaryId() {
    return options.primaryId();
  }

  public Options options() {
    return options;
  }

  /** Opens a new stream and resends every batch not yet acknowledged. */
  public void connect() {
    synchronized (this) {
      connect(options.flood() ? produced + 1 : highestAck + 1);
    }
  }

  /**
   * Opens a new stream and sends again from {@code sequence}, acknowledged or not, like an agent
   * that never saw its last Acks. The previous stream, if any, is cancelled first.
   */
  public synchronized void connect(long sequence) {
    if (stream != null) {
      stream.cancel("reconnecting");
    }
    if (!options.flood() && sequence <= produced && !buffer.containsKey(sequence) && !dropped.get((int) sequence)) {
      throw new IllegalStateException(primaryId() + ": batch " + sequence + " is no longer kept");
    }
    Stream s = new Stream();
    stream = s;
    ClientCalls.asyncBidiStreamingCall(
        channel.newCall(TelemetryServiceGrpc.getConnectMethod(), CallOptions.DEFAULT.withWaitForReady()), s);
    nextToSend = sequence;
    s.requests.onNext(AgentMessage.newBuilder().setHello(hello(sequence)).build());
    drain();
  }

  private Hello hello(long nextSequence) {
    return Hello.newBuilder()
        .setPrimaryId(primaryId())
        .setWorkload("sim-" + Integer.toHexString(primaryId().hashCode()))
        .setWorkloadName("dev.umbra.it.SimulatedPrimary")
        .setHost("localhost")
        .setPid(ProcessHandle.current().pid())
        .setJvmStartUnixMs(originMillis)
        .setAgentVersion("simulated")
        .setNextSequence(nextSequence)
        .setSessionSecret(sessionSecret)
        .setSampling(SamplingConfig.newBuilder().setCriticality(Criticality.CRITICALITY_HIGH))
        .setJvm(JvmInfo.newBuilder().setJavaVersion(System.getProperty("java.version")).setMain("SimulatedPrimary"))
        .build();
  }

  /** Produces every paced batch whose period has ended (catching up after a late run). */
  private synchronized void produceDue() {
    long period = options.batchPeriod().toMillis();
    long now = System.currentTimeMillis();
    while (!stopped && originMillis + (produced + 1) * period <= now) {
      add(SimulatedPrimaryData.pacedBatch(originMillis, options.pointPeriodMillis(), options.pointsPerSeries(), produced + 1));
    }
    drain();
  }

  private void add(TelemetryBatch.Builder batch) {
    while (buffer.size() - kept() >= Math.max(1, options.bufferBatches())) {
      long oldest = firstUnacknowledged();
      TelemetryBatch gone = buffer.remove(oldest);
      dropped.set((int) oldest);
      droppedSinceLastBatch++;
      droppedPointsSinceLastBatch += points(gone);
    }
    produced++;
    batch.setSequence(produced).setSentUnixMs(System.currentTimeMillis());
    batch.setDroppedBatches(droppedSinceLastBatch).setDroppedPoints(droppedPointsSinceLastBatch);
    droppedSinceLastBatch = 0;
    droppedPointsSinceLastBatch = 0;
    TelemetryBatch built = batch.build();
    producedPoints += points(built);
    if (!options.flood()) {
      buffer.put(produced, built);
    } else {
      pendingFlood = built;
    }
  }

  private int kept() {
    return buffer.headMap(highestAck, true).size();
  }

  private long firstUnacknowledged() {
    Long key = buffer.ceilingKey(highestAck + 1);
    return key == null ? produced + 1 : key;
  }

  private static int points(TelemetryBatch batch) {
    int n = 0;
    for (SeriesData s : batch.getSeriesList()) {
      n += s.getValuesCount();
    }
    return n;
  }

  /** A flood batch stamped now, its points spread over the time since the previous one. */
  private TelemetryBatch.Builder floodBatch() {
    long now = System.currentTimeMillis();
    long from = Math.max(floodLastMillis, now - 1000);
    floodLastMillis = now;
    return SimulatedPrimaryData.floodBatch(from, now, options.pointsPerSeries());
  }

  /** Sends while the stream is ready; in flood mode, makes a new batch whenever there is room. */
  private synchronized void drain() {
    Stream s = stream;
    if (s == null || s.ended) {
      return;
    }
    while (s.requests.isReady()) {
      TelemetryBatch next;
      if (options.flood()) {
        if (stopped) {
          return;
        }
        add(floodBatch());
        next = pendingFlood;
        pendingFlood = null;
        nextToSend = produced + 1;
      } else {
        if (nextToSend > produced) {
          return;
        }
        next = buffer.get(nextToSend);
        nextToSend++;
        if (next == null) {
          continue; // dropped
        }
      }
      s.requests.onNext(AgentMessage.newBuilder().setBatch(next).build());
      sentBatches++;
    }
  }

  private synchronized void acknowledged(Stream from, ShadowCommand command) {
    if (from != stream) {
      return;
    }
    if (command.hasAck()) {
      acks++;
      long sequence = command.getAck().getSequence();
      if (sequence > highestAck) {
        highestAck = sequence;
        while (buffer.headMap(highestAck, true).size() > options.keepAcknowledged()) {
          buffer.pollFirstEntry();
        }
      }
      rejectedPoints += command.getAck().getRejectedPoints();
      if (firstRejection.isEmpty()) {
        firstRejection = command.getAck().getRejection();
      }
      notifyAll();
    } else {
      from.requests.onNext(
          AgentMessage.newBuilder()
              .setCommandResult(
                  CommandResult.newBuilder()
                      .setCommandId(command.getCommandId())
                      .setStatus(CommandStatus.COMMAND_STATUS_UNSUPPORTED)
                      .setMessage("a simulated primary only sends telemetry"))
              .build());
    }
  }

  private synchronized void ended(Stream from, Status status) {
    streamEnds.add(status);
    if (from == stream) {
      stream = null;
    }
    notifyAll();
  }

  /** Stops producing; batches already produced are still sent and resent. */
  public synchronized void stopProducing() {
    stopped = true;
    if (producer != null) {
      producer.cancel(false);
    }
  }

  /** Waits until every produced batch is acknowledged; false at the deadline. */
  public synchronized boolean awaitAllAcknowledged(Duration timeout) throws InterruptedException {
    return awaitAcknowledged(() -> produced, timeout);
  }

  /** Waits until the shadow has acknowledged at least {@code sequence}; false at the deadline. */
  public synchronized boolean awaitAcknowledged(long sequence, Duration timeout) throws InterruptedException {
    return awaitAcknowledged(() -> sequence, timeout);
  }

  private boolean awaitAcknowledged(java.util.function.LongSupplier target, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (highestAck < target.getAsLong()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    return true;
  }

  /** Waits for the current stream to end and returns its status; null at the deadline. */
  public synchronized Status awaitStreamEnd(Duration timeout) throws InterruptedException {
    Stream s = stream;
    if (s == null) {
      return lastStreamEnd();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!s.ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
    }
    return s.status;
  }

  public synchronized Status lastStreamEnd() {
    return streamEnds.isEmpty() ? null : streamEnds.get(streamEnds.size() - 1);
  }

  public synchronized boolean isStreaming() {
    return stream != null && !stream.ended;
  }

  public synchronized long highestAcknowledged() {
    return highestAck;
  }

  public synchronized long producedBatches() {
    return produced;
  }

  public synchronized long producedPoints() {
    return producedPoints;
  }

  public synchronized long sentBatches() {
    return sentBatches;
  }

  public synchronized long droppedBatches() {
    return dropped.cardinality();
  }

  public synchronized long rejectedPoints() {
    return rejectedPoints;
  }

  public synchronized String firstRejection() {
    return firstRejection;
  }

  /**
   * The grid seconds the acknowledged batches cover: each holds at least one acknowledged point
   * (paced mode only).
   */
  public synchronized TreeSet<Long> acknowledgedSeconds() {
    return progress().acknowledgedSeconds();
  }

  /**
   * Checks through GetSeries that the shadow holds every acknowledged second of every series:
   * present always; and, where acknowledged batches hold every point the primary produced for
   * that second, with exactly the value the grid must have (mean of a rate's points, last point
   * of a gauge). Also tells how many points the shadow's Acks reported as rejected.
   */
  public Verification verify(ControlServiceGrpc.ControlServiceBlockingStub control) {
    return verify(control, null);
  }

  /** {@link #verify(ControlServiceGrpc.ControlServiceBlockingStub)}, limited to {@code only} seconds. */
  public Verification verify(ControlServiceGrpc.ControlServiceBlockingStub control, Set<Long> only) {
    return progress().verify(control, only);
  }

  private synchronized SimulatedPrimaryData.Progress progress() {
    if (options.flood()) {
      throw new IllegalStateException("flood primaries do not keep what they sent");
    }
    return new SimulatedPrimaryData.Progress(
        primaryId(), originMillis, options.pointPeriodMillis(), options.pointsPerSeries(), produced, highestAck,
        dropped, stopped, rejectedPoints, firstRejection);
  }

  /**
   * What {@link #verify} found: no problems means every acknowledged second is there, with its
   * value where it could be checked. Rejections are what the Acks reported over the whole run.
   */
  public record Verification(
      String primaryId,
      int acknowledgedSeconds,
      int valuesChecked,
      long rejectedPoints,
      String firstRejection,
      List<String> problems) {
    public Verification {
      problems = List.copyOf(problems);
    }
  }

  /** Stops producing and ends the stream politely (half-close); the shadow completes it. */
  @Override
  public synchronized void close() {
    stopProducing();
    if (stream != null && !stream.ended) {
      try {
        stream.requests.onCompleted();
      } catch (RuntimeException e) {
        stream.cancel("closed by the test");
      }
    }
  }

  /** Cancels the current stream without a goodbye, as a crashed agent would. */
  public synchronized void abandonStream() {
    if (stream != null) {
      stream.cancel("abandoned");
    }
  }

  @Override
  public synchronized String toString() {
    return primaryId() + " produced=" + produced + " sent=" + sentBatches + " acked=" + highestAck
        + " rejected=" + rejectedPoints + " dropped=" + dropped.cardinality() + " ends=" + streamEnds;
  }

  /** One Connect call. */
  private final class Stream implements ClientResponseObserver<AgentMessage, ShadowCommand> {
    ClientCallStreamObserver<AgentMessage> requests;
    volatile boolean ended;
    volatile Status status;

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(SimulatedPrimary.this::drain);
    }

    @Override
    public void onNext(ShadowCommand command) {
      acknowledged(this, command);
    }

    @Override
    public void onError(Throwable t) {
      finish(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      finish(Status.OK);
    }

    private void finish(Status s) {
      status = s;
      ended = true;
      ended(this, s);
    }

    void cancel(String why) {
      if (!ended) {
        requests.cancel(why, null);
      }
    }
  }

  private static com.google.protobuf.ByteString newSessionSecret() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return com.google.protobuf.ByteString.copyFrom(bytes);
  }
}
