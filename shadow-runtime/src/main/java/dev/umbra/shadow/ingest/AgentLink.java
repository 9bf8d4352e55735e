package dev.umbra.shadow.ingest;

import com.google.protobuf.ByteString;
import dev.umbra.proto.v1.Ack;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.proto.v1.Welcome;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;

/**
 * The shadow's side of one agent stream: what it sends to the agent, under gRPC flow control.
 * An agent that does not read cannot make the shadow buffer without bound: Acks coalesce into
 * the newest one, and at most {@link #MAX_QUEUED_COMMANDS} commands wait; beyond that
 * {@link #send} refuses.
 *
 * <p>Thread-safe: ingest, the tick thread and API calls all send through it.
 */
final class AgentLink {
  static final int MAX_QUEUED_COMMANDS = 64;

  private final ServerCallStreamObserver<ShadowCommand> out;
  private final String clientAddress;
  private final ArrayDeque<ShadowCommand> queued = new ArrayDeque<>();
  private long ackSequence = -1;
  private long ackRejected;
  private String ackRejection = "";
  private boolean closed;

  /** @param clientAddress the host the stream comes from, for {@link SessionLimits} */
  AgentLink(ServerCallStreamObserver<ShadowCommand> out, String clientAddress) {
    this.out = out;
    this.clientAddress = clientAddress;
    out.setOnReadyHandler(this::drain);
    out.setOnCancelHandler(this::cancelled);
  }

  String clientAddress() {
    return clientAddress;
  }

  /** Acknowledges every batch up to {@code sequence}; coalesces with an Ack not yet sent. */
  synchronized void ack(long sequence, long rejectedPoints, String rejection) {
    if (sequence > ackSequence || rejectedPoints > 0) {
      ackSequence = Math.max(ackSequence, sequence);
      ackRejected += rejectedPoints;
      if (ackRejection.isEmpty() && rejection != null) {
        ackRejection = rejection;
      }
      drain();
    }
  }

  /**
   * Tells the agent the secret it must prove on its next Hello; queued before anything else
   * (it is only sent on a stream's first Hello), never refused by the queue limit.
   */
  synchronized void welcome(byte[] secret) {
    if (closed) {
      return;
    }
    queued.addFirst(
        ShadowCommand.newBuilder()
            .setWelcome(Welcome.newBuilder().setSessionSecret(ByteString.copyFrom(secret)))
            .build());
    drain();
  }

  /** Queues a command; false when the agent is gone or not reading. */
  synchronized boolean send(ShadowCommand command) {
    if (closed || queued.size() >= MAX_QUEUED_COMMANDS) {
      return false;
    }
    queued.add(command);
    drain();
    return true;
  }

  synchronized boolean isOpen() {
    return !closed;
  }

  private synchronized void drain() {
    try {
      while (!closed && out.isReady()) {
        if (!queued.isEmpty()) {
          out.onNext(queued.poll());
        } else if (ackSequence >= 0) {
          out.onNext(
              ShadowCommand.newBuilder()
                  .setAck(
                      Ack.newBuilder()
                          .setSequence(ackSequence)
                          .setRejectedPoints(ackRejected)
                          .setRejection(ackRejection))
                  .build());
          ackSequence = -1;
          ackRejected = 0;
          ackRejection = "";
        } else {
          return;
        }
      }
    } catch (RuntimeException e) {
      closed = true; // the call was cancelled under us
    }
  }

  private synchronized void cancelled() {
    closed = true;
  }

  /** Ends the stream with {@code status}; idempotent. */
  synchronized void close(Status status) {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (status.isOk()) {
        out.onCompleted();
      } else {
        out.onError(status.asRuntimeException());
      }
    } catch (RuntimeException e) {
      // already cancelled by the client
    }
  }
}
