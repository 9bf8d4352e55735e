package dev.umbra.agent.transport;

import dev.umbra.agent.command.CommandHandler;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import dev.umbra.agent.telemetry.AgentStatus;
import dev.umbra.agent.telemetry.BatchBuffer;
import dev.umbra.proto.v1.AgentMessage;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ResourceLeakDetector;
import java.time.Clock;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * The agent's end of {@code TelemetryService.Connect}, run by the {@code umbra-transport}
 * thread. It opens a stream, sends Hello, then batches from the {@link BatchBuffer} only while
 * gRPC flow control says the stream is ready (a stalled shadow fills the buffer, which drops
 * the oldest, and never blocks anyone), a heartbeat every {@link #HEARTBEAT_PERIOD}, and the
 * results of commands. A failed stream puts its unacknowledged batches back, waits out a
 * jittered exponential back-off and connects again, with a new Hello. Stream errors are logged
 * once per change of state.
 */
public final class ShadowConnection implements AutoCloseable {
  static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(5);
  /** A stream that stays up this long counts as a successful connection (resets back-off). */
  static final Duration STABLE_AFTER = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 50;

  private final String target;
  private final ManagedChannel channel;
  private final Runnable releaseResources;
  private final TelemetryServiceGrpc.TelemetryServiceStub stub;
  private final LongFunction<AgentMessage> hello;
  private final BatchBuffer buffer;
  private final CommandHandler commands;
  private final AgentStatus status;
  private final Clock clock;
  private final Backoff backoff;
  private final Thread thread;
  private final Object signal = new Object();
  private final Queue<AgentMessage> results = new ConcurrentLinkedQueue<>();
  private final java.util.function.LongSupplier sequenceAfterBuffer;
  private volatile boolean closed;
  private volatile boolean connected;
  private boolean warnedDown;
  private long streams;

  /**
   * @param hello builds the Hello for a new stream, given the next sequence number it will send
   * @param nextSequence the sequence number the sampler will give its next batch
   */
  ShadowConnection(String target, ManagedChannel channel, Runnable releaseResources, LongFunction<AgentMessage> hello,
      java.util.function.LongSupplier nextSequence, BatchBuffer buffer, CommandHandler commands, AgentStatus status,
      Clock clock, Backoff backoff) {
    this.target = target;
    this.channel = channel;
    this.releaseResources = releaseResources;
    this.stub = TelemetryServiceGrpc.newStub(channel);
    this.hello = hello;
    this.sequenceAfterBuffer = nextSequence;
    this.buffer = buffer;
    this.commands = commands;
    this.status = status;
    this.clock = clock;
    this.backoff = backoff;
    this.thread = AgentThreads.single("transport").newThread(this::run);
  }

  /**
   * A connection over plaintext HTTP/2 to {@code shadow}, all of gRPC's threads ours, sized for
   * one channel that carries a few KB every batch period (agent/BENCHMARK.md, run 4): one NIO
   * event-loop thread that also runs gRPC's callbacks (they only set fields, take a lock for an
   * instant and queue work elsewhere, never block), an offload thread only while gRPC has
   * blocking work for it (name resolution), unpooled heap buffers instead of Netty's pooled
   * arenas and thread caches, and no leak-detection sampling.
   */
  public static ShadowConnection open(ShadowAddress shadow, Identity identity,
      java.util.function.Supplier<Sampling> sampling, java.util.Map<String, String> tags,
      java.util.function.LongSupplier nextSequence, BatchBuffer buffer, CommandHandler commands,
      AgentStatus status, Clock clock) {
    LongFunction<AgentMessage> hello = next -> WireMapping.hello(identity, status, sampling.get(), tags, next);
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // of our shaded copy only
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, AgentThreads.single("transport-io"), NioIoHandler.newFactory());
    ThreadPoolExecutor offload = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        AgentThreads.single("transport-offload"));
    ManagedChannel channel = NettyChannelBuilder.forAddress(shadow.host(), shadow.port())
        .usePlaintext()
        .eventLoopGroup(loop)
        .channelType(NioSocketChannel.class)
        .withOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
        .directExecutor()
        .offloadExecutor(offload)
        .keepAliveTime(5, TimeUnit.MINUTES)
        .disableRetry()
        .userAgent("umbra-agent/" + WireMapping.AGENT_VERSION)
        .build();
    Runnable release = () -> {
      offload.shutdownNow();
      loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
    };
    ShadowConnection connection = new ShadowConnection(shadow.toString(), channel, release, hello, nextSequence,
        buffer, commands, status, clock, Backoff.standard(clock));
    connection.thread.start();
    return connection;
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
            && channel.getState(false) == io.grpc.ConnectivityState.READY) {
          stream.stable = true;
          backoff.succeeded();
          if (!connected || warnedDown) {
            AgentLog.info("connected to shadow " + target);
          }
          connected = true;
          warnedDown = false;
        }
        AgentMessage result;
        while (stream.ready() && (result = results.poll()) != null) {
          stream.requests.onNext(result);
        }
        java.util.Optional<BatchBuffer.Taken> taken;
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
        AgentLog.warn("transport to " + target + " failed, reconnecting", t);
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
    stub.connect(stream);
    stream.requests.onNext(hello.apply(next));
    return stream;
  }

  private void streamEnded(Stream stream) {
    connected = false;
    buffer.requeueInFlight();
    Duration delay = backoff.failed();
    if (!warnedDown) {
      warnedDown = true;
      AgentLog.warn("shadow " + target + " unavailable (" + describe(stream.ended)
          + "); the application runs on, data is buffered and the oldest dropped; retrying with back-off");
    } else {
      AgentLog.debug("shadow " + target + " still unavailable, next attempt in " + delay.toMillis() + " ms");
    }
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
      channel.shutdownNow();
      channel.awaitTermination(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      releaseResources.run();
    }
  }

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
