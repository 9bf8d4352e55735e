package dev.umbra.agent.transport;

import com.google.protobuf.ByteString;
import dev.umbra.agent.checkpoint.StateTransfer;
import dev.umbra.agent.command.CommandHandler;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.config.ShadowTargets;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import dev.umbra.agent.spawn.ShadowSpawner;
import dev.umbra.agent.telemetry.AgentStatus;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's end of {@code TelemetryService.Connect}, run by the {@code umbra-transport}
 * thread. It opens a stream, sends Hello, then batches from the {@link BatchBuffer} only while
 * gRPC flow control says the stream is ready (a stalled shadow fills the buffer, which drops
 * the oldest, and never blocks anyone), a heartbeat every {@link #HEARTBEAT_PERIOD}, and the
 * results of commands. A failed stream puts its unacknowledged batches back, waits out a
 * jittered exponential back-off and connects again, with a new Hello. Stream errors are logged
 * once per change of state.
 *
 * <p>Every Hello proves the same session secret: 32 random bytes made here, or the ones a shadow
 * issued in a Welcome, kept in memory only and never logged. The shadow binds a primary's id to
 * the first secret it sees, so that no other client can take the primary's stream over, and a
 * reconnect (to the same shadow, a restarted one, or the next route) proves it again.
 */
public final class ShadowConnection implements AutoCloseable {
  static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(5);
  /** A stream that stays up this long counts as a successful connection (resets back-off). */
  static final Duration STABLE_AFTER = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 50;

  /** The shadows to try, in order; {@link #route} is the one in use (transport thread only). */
  private final List<Route> routes;
  private volatile int route;
  private final Runnable releaseResources;
  /** Waits up to the given ms until what {@link #releaseResources} shut down has ended. */
  private final LongPredicate awaitReleased;
  private final LongFunction<AgentMessage> hello;
  private final BatchBuffer buffer;
  private final CommandHandler commands;
  private final AgentStatus status;
  private final Clock clock;
  private final Backoff backoff;
  private final Thread thread;
  private final Object signal = new Object();
  private final Queue<AgentMessage> results = new ConcurrentLinkedQueue<>();
  private final LongSupplier sequenceAfterBuffer;
  private volatile boolean closed;
  private volatile boolean connected;
  /** Set by a spawner whose shadow now listens: skip the rest of the back-off. */
  private volatile boolean retryNow;
  private volatile boolean helloStale;
  private volatile ByteString sessionSecret;
  /** The header checkpoint transfers prove the session secret in. */
  private static final io.grpc.Metadata.Key<byte[]> SESSION_SECRET =
      io.grpc.Metadata.Key.of("umbra-session-secret-bin", io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
  private boolean warnedDown;
  private Status.Code lastWarned;
  private long streams;

  /**
   * The one way in: what every connection shares ({@code setup}), whom it speaks for, the secret
   * its Hellos prove, and the shadows it tries ({@link #open} builds them from the configured
   * addresses; a test passes in-process channels).
   */
  ShadowConnection(Setup setup, Identity identity, SessionSecret secret, Links links) {
    this.routes = links.routes();
    this.releaseResources = links.release();
    this.awaitReleased = links.awaitReleased();
    this.backoff = links.backoff();
    this.hello = next -> WireMapping.hello(identity, setup.status(), setup.sampling().get(), setup.tags(), next);
    this.sequenceAfterBuffer = setup.nextSequence();
    this.buffer = setup.buffer();
    this.commands = setup.commands();
    this.status = setup.status();
    this.clock = setup.clock();
    this.sessionSecret = secret.bytes();
    this.thread = AgentThreads.single("transport").newThread(this::run);
  }

  /**
   * A connection to the first of {@code shadow}'s addresses that answers (failing over in order),
   * over HTTP/2 with TLS and a bearer token when configured, all of gRPC's threads ours; a spawn
   * address gets a {@link ShadowSpawner} that starts a shadow there when nothing answers. Sized
   * for one channel that carries a few KB every batch period (agent/BENCHMARK.md, run 4): one NIO
   * event-loop thread that also runs gRPC's callbacks (they only set fields, take a lock for an
   * instant and queue work elsewhere, never block), an offload thread only while gRPC has
   * blocking work for it (name resolution), unpooled heap buffers instead of Netty's pooled
   * arenas and thread caches, and no leak-detection sampling.
   */
  public static ShadowConnection open(ShadowTargets shadow, Setup setup, Identity identity, SessionSecret secret) {
    Clock clock = setup.clock();
    // before any Netty class takes its logger: JUL, which the jar relocates to the agent's log,
    // instead of probing for SLF4J and Log4j, which would be the application's
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // of our shaded copy only
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, AgentThreads.single("transport-io"), NioIoHandler.newFactory());
    ThreadPoolExecutor offload = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        AgentThreads.single("transport-offload"));
    List<Route> routes = new ArrayList<>();
    List<ShadowSpawner> spawners = new ArrayList<>();
    io.grpc.CallCredentials credentials = BearerToken.of(shadow);
    for (ShadowTargets.Target target : shadow.targets()) {
      ManagedChannel channel = Channels.build(target.address(), shadow.tls(), loop, offload);
      TelemetryServiceGrpc.TelemetryServiceStub stub = TelemetryServiceGrpc.newStub(channel).withCallCredentials(credentials);
      Runnable whenAbsent = () -> {};
      if (target.spawn()) {
        ShadowSpawner spawner = ShadowSpawner.forAddress(target.address(), shadow.spawn(), shadow.token(), clock);
        spawners.add(spawner);
        whenAbsent = spawner::shadowAbsent;
      }
      routes.add(new Route(target.toString(), channel, stub, whenAbsent));
    }
    Runnable release = () -> {
      spawners.forEach(ShadowSpawner::close);
      offload.shutdownNow();
      loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
    };
    ShadowConnection connection = new ShadowConnection(setup, identity, secret, new Links(routes, release,
        millis -> loop.terminationFuture().awaitUninterruptibly(millis), // its selector
        Backoff.standard(clock)));
    spawners.forEach(spawner -> spawner.onListening(connection::retryNow));
    connection.thread.start();
    return connection;
  }

  /**
   * What every connection of one agent shares, whatever the identity it speaks for and whichever
   * shadows it tries.
   *
   * @param sampling the sampling in force, for each Hello
   * @param tags the primary's tags, for each Hello
   * @param nextSequence the sequence number the sampler will give its next batch
   * @param buffer the batches to send; acknowledged ones leave it
   * @param commands runs what the shadow asks for; its results go back on the stream
   * @param status what each Hello and heartbeat report about the agent
   * @param clock the heartbeat's and the back-off's
   */
  public record Setup(Supplier<Sampling> sampling, Map<String, String> tags, LongSupplier nextSequence,
      BatchBuffer buffer, CommandHandler commands, AgentStatus status, Clock clock) {
    public Setup {
      Objects.requireNonNull(sampling, "sampling");
      tags = Map.copyOf(tags);
      Objects.requireNonNull(nextSequence, "nextSequence");
      Objects.requireNonNull(buffer, "buffer");
      Objects.requireNonNull(commands, "commands");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(clock, "clock");
    }
  }

  /**
   * The shadows one connection tries, and what it owns besides their channels.
   *
   * @param routes the shadows in order of preference: a lost or failed stream moves to the next
   * @param release shuts down what the channels share (event loop, offload thread, spawners)
   * @param awaitReleased waits up to the given milliseconds until what {@code release} shut down
   *     has ended; returns whether it has
   * @param backoff the wait between attempts
   */
  record Links(List<Route> routes, Runnable release, LongPredicate awaitReleased, Backoff backoff) {
    Links {
      routes = List.copyOf(routes);
      if (routes.isEmpty()) {
        throw new IllegalArgumentException("no shadow to connect to");
      }
      Objects.requireNonNull(release, "release");
      Objects.requireNonNull(awaitReleased, "awaitReleased");
      Objects.requireNonNull(backoff, "backoff");
    }
  }

  /** The secret every Hello proves now: this run's own, or the one a shadow issued in a Welcome. */
  public SessionSecret sessionSecret() {
    return SessionSecret.of(sessionSecret);
  }

  /**
   * Waits up to {@code budget} until the shadow has acknowledged every batch in the buffer (each
   * is acknowledged once durably stored); returns whether it has. Any thread; sends nothing itself.
   */
  public boolean flush(Duration budget) throws InterruptedException {
    long deadline = System.nanoTime() + budget.toNanos();
    while (buffer.size() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || closed) {
        return false;
      }
      wake();
      Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
    }
    return true;
  }

  /**
   * Closes as {@link #close} does, then waits up to {@code budget} until nothing of the
   * transport holds a socket or a selector: every channel terminated and the event loop ended.
   * Returns whether all of them did (a CRaC checkpoint needs it).
   */
  public boolean closeAndAwait(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    close();
    boolean terminated = true;
    try {
      for (Route r : routes) {
        terminated &= r.channel().awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return terminated && awaitReleased.test(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
  }

  /** Connects at once instead of waiting out the back-off (a spawned shadow just started). */
  void retryNow() {
    retryNow = true;
    wake();
  }

  /**
   * Checkpoint state transfer over the channel of the shadow in use now, with the bearer token
   * and the session secret, which the shadow wants from the agent of {@code primaryId}.
   */
  public StateTransfer stateTransfer(String primaryId) {
    Route current = route();
    io.grpc.CallCredentials credentials = current.stub().getCallOptions().getCredentials();
    io.grpc.Channel channel = current.channel();
    if (credentials != null) {
      channel = io.grpc.ClientInterceptors.intercept(channel, new io.grpc.ClientInterceptor() {
        @Override
        public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
            io.grpc.CallOptions options, io.grpc.Channel next) {
          return next.newCall(method, options.withCallCredentials(credentials));
        }
      });
    }
    io.grpc.Metadata secret = new io.grpc.Metadata();
    secret.put(SESSION_SECRET, sessionSecret.toByteArray());
    channel = io.grpc.ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(secret));
    return new GrpcStateTransfer(channel, primaryId);
  }

  /** Sends a fresh Hello on the open stream (capabilities changed, e.g. a state was registered). */
  public void capabilitiesChanged() {
    helloStale = true;
    wake();
  }

  /** For tests: starts the transport thread over any channel (in-process). */
  void start() {
    thread.start();
  }

  public boolean connected() {
    return connected;
  }

  /** Streams opened so far (1 + reconnects). */
  long streamsOpened() {
    return streams;
  }

  private void run() {
    Stream stream = null;
    long lastHeartbeat = 0;
    while (!closed) {
      try {
        if (stream == null) {
          if (retryNow) {
            retryNow = false;
            backoff.succeeded();
          }
          if (backoff.mayAttempt()) {
            stream = openStream();
            lastHeartbeat = clock.millis();
          } else {
            await(Math.min(POLL_MILLIS, Math.max(1, backoff.remaining().toMillis())));
          }
          continue;
        }
        if (stream.ended != null) {
          streamEnded(stream);
          stream = null;
          continue;
        }
        if (!stream.stable && clock.millis() - stream.openedAt >= STABLE_AFTER.toMillis()
            && route().channel().getState(false) == io.grpc.ConnectivityState.READY) {
          stream.stable = true;
          backoff.succeeded();
          if (!connected || warnedDown) {
            AgentLog.info("connected to shadow " + route().target());
          }
          connected = true;
          warnedDown = false;
        }
        if (helloStale && stream.ready()) {
          helloStale = false;
          stream.requests.onNext(hello(buffer.firstPendingSequence().orElse(sequenceAfterBuffer.getAsLong())));
        }
        AgentMessage result;
        while (stream.ready() && (result = results.poll()) != null) {
          stream.requests.onNext(result);
        }
        Optional<BatchBuffer.Taken> taken;
        while (stream.ready() && (taken = buffer.take()).isPresent()) {
          BatchBuffer.Taken t = taken.get();
          stream.requests.onNext(WireMapping.batch(t.batch(), t.droppedBatches(), t.droppedPoints(), clock.millis()));
        }
        long now = clock.millis();
        if (now - lastHeartbeat >= HEARTBEAT_PERIOD.toMillis() && stream.ready()) {
          stream.requests.onNext(WireMapping.heartbeat(now, status, buffer.size(), buffer.droppedBatchesTotal()));
          lastHeartbeat = now;
        }
        await(POLL_MILLIS);
      } catch (InterruptedException e) {
        break;
      } catch (Throwable t) {
        AgentLog.warn("transport to " + route().target() + " failed, reconnecting", t);
        if (stream != null) {
          stream.cancel("agent transport error");
          streamEnded(stream);
          stream = null;
        }
      }
    }
    if (stream != null && stream.ended == null) {
      try {
        stream.requests.onCompleted();
      } catch (Throwable t) {
        // closing anyway
      }
    }
  }

  private Stream openStream() {
    streams++;
    buffer.requeueInFlight();
    long next = buffer.firstPendingSequence().orElse(sequenceAfterBuffer.getAsLong());
    Stream stream = new Stream(clock.millis());
    route().stub().connect(stream);
    stream.requests.onNext(hello(next));
    return stream;
  }

  /** The Hello for {@code next}, proving the session secret. */
  private AgentMessage hello(long next) {
    AgentMessage message = hello.apply(next);
    return message.toBuilder().setHello(message.getHello().toBuilder().setSessionSecret(sessionSecret)).build();
  }

  private void streamEnded(Stream stream) {
    connected = false;
    buffer.requeueInFlight();
    Duration delay = backoff.failed();
    Route failed = route();
    if (!stream.stable && stream.ended.getCode() == Status.Code.UNAVAILABLE) {
      failed.whenAbsent().run(); // shadow=spawn: start one there (never blocks)
    }
    // once per change of state: down, or down for another reason (UNAVAILABLE, then UNAUTHENTICATED)
    if (!warnedDown || stream.ended.getCode() != lastWarned) {
      warnedDown = true;
      lastWarned = stream.ended.getCode();
      AgentLog.warn("shadow " + failed.target() + " unavailable (" + describe(stream.ended)
          + "); the application runs on, data is buffered and the oldest dropped; retrying with back-off");
    } else {
      AgentLog.debug("shadow " + failed.target() + " still unavailable, next attempt in " + delay.toMillis() + " ms");
    }
    if (routes.size() > 1) {
      route = (route + 1) % routes.size();
      String message = "failing over from shadow " + failed.target() + " to " + route().target();
      if (stream.stable) {
        AgentLog.info(message);
      } else {
        AgentLog.debug(message);
      }
    }
  }

  private Route route() {
    return routes.get(route);
  }

  private static String describe(Status status) {
    return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  private void await(long millis) throws InterruptedException {
    synchronized (signal) {
      signal.wait(millis);
    }
  }

  private void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.interrupt();
    try {
      thread.join(300);
      for (Route r : routes) {
        r.channel().shutdownNow();
      }
      for (Route r : routes) {
        r.channel().awaitTermination(200 / routes.size(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      releaseResources.run();
    }
  }

  /**
   * One shadow to try: its channel, the stub (with the token), and what to do when nothing
   * answers there (start a shadow, for a spawn address).
   */
  record Route(String target, ManagedChannel channel, TelemetryServiceGrpc.TelemetryServiceStub stub,
      Runnable whenAbsent) {}

  /** One Connect stream; callbacks arrive on gRPC's executor (ours), state is read by the loop. */
  private final class Stream implements ClientResponseObserver<AgentMessage, ShadowCommand> {
    final long openedAt;
    volatile ClientCallStreamObserver<AgentMessage> requests;
    volatile Status ended;
    boolean stable;

    Stream(long openedAt) {
      this.openedAt = openedAt;
    }

    boolean ready() {
      return ended == null && requests.isReady();
    }

    void cancel(String why) {
      try {
        requests.cancel(why, null);
      } catch (Throwable t) {
        // already gone
      }
      if (ended == null) {
        ended = Status.CANCELLED.withDescription(why);
      }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
      this.requests = requestStream;
      requestStream.setOnReadyHandler(ShadowConnection.this::wake);
    }

    @Override
    public void onNext(ShadowCommand command) {
      if (command.hasAck()) {
        buffer.acknowledge(command.getAck().getSequence());
        return;
      }
      if (command.hasWelcome()) {
        if (!command.getWelcome().getSessionSecret().isEmpty()) {
          sessionSecret = command.getWelcome().getSessionSecret(); // proved from the next Hello on
        }
        return;
      }
      WireMapping.command(command).ifPresentOrElse(
          c -> commands.submit(c, r -> {
            results.add(WireMapping.result(r));
            wake();
          }),
          () -> AgentLog.warn("ignoring a command of unknown kind " + command.getKindCase()));
    }

    @Override
    public void onError(Throwable t) {
      ended = Status.fromThrowable(t);
      wake();
    }

    @Override
    public void onCompleted() {
      ended = Status.UNAVAILABLE.withDescription("the shadow closed the stream");
      wake();
    }
  }
}
