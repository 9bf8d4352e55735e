package dev.umbra.shadow.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become statuses: an {@link ApiException} answers with its
 * status; anything else escaping a service is a bug, logged with its method and answered with
 * a bare INTERNAL so that no internals leak to clients. The server keeps serving either way.
 *
 * <p>Two more things every call gets here. A request that is not valid protobuf arrives as a
 * {@code null} message (see {@link ShadowApi#bind}): the call ends with INVALID_ARGUMENT and one
 * log line, at most one per {@link #UNPARSABLE_LOG_INTERVAL} for all calls. And every status
 * description is cut to {@link #MAX_DESCRIPTION_CHARS}: descriptions travel in the
 * {@code grpc-message} trailer, and one longer than the client's metadata limit (8 KiB in
 * grpc-java's Netty client) turns the answer into RESOURCE_EXHAUSTED.
 */
final class ErrorInterceptor implements ServerInterceptor {
  private static final Logger logger = LoggerFactory.getLogger(ErrorInterceptor.class);
  /** Percent-encoded, a char takes at most 9 bytes: 512 stay under 4.5 KiB. */
  static final int MAX_DESCRIPTION_CHARS = 512;
  static final Duration UNPARSABLE_LOG_INTERVAL = Duration.ofSeconds(10);

  private final LogLimiter unparsableLog;

  ErrorInterceptor() {
    this(Clock.systemUTC());
  }

  ErrorInterceptor(Clock clock) {
    this.unparsableLog = new LogLimiter(clock, UNPARSABLE_LOG_INTERVAL);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall<Q, R> bounded = new BoundedCall<>(call);
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(bounded, headers);
    } catch (RuntimeException e) {
      closeWith(bounded, e);
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      private boolean ended; // listener methods are called one at a time

      @Override
      public void onMessage(Q message) {
        if (ended) {
          return;
        }
        if (message == null) {
          refuseUnparsable(bounded);
          end();
          return;
        }
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          closeWith(bounded, e);
          end();
        }
      }

      @Override
      public void onHalfClose() {
        if (ended) {
          return;
        }
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          closeWith(bounded, e);
          end();
        }
      }

      /**
       * The call was closed here, not by the service: grpc will report it to the service as
       * completed, and a stream's request observer would never hear of it (an agent stream
       * would keep its primary connected). Tell the service it was cancelled instead, once.
       */
      private void end() {
        ended = true;
        super.onCancel();
      }

      @Override
      public void onCancel() {
        if (!ended) {
          super.onCancel();
        }
      }

      @Override
      public void onComplete() {
        if (!ended) {
          super.onComplete();
        }
      }
    };
  }

  private <Q, R> void refuseUnparsable(ServerCall<Q, R> call) {
    String method = call.getMethodDescriptor().getFullMethodName();
    long held = unparsableLog.admit();
    if (held >= 0) {
      logger.warn("refused a message that is not valid protobuf method={} peer={}{}", method,
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
          held == 0 ? "" : " (and " + held + " more since the last such line)");
    }
    close(call, Status.INVALID_ARGUMENT.withDescription("a message to " + method + " is not valid protobuf"));
  }

  private static <Q, R> void closeWith(ServerCall<Q, R> call, RuntimeException e) {
    Status status;
    if (e instanceof ApiException api) {
      status = api.status();
    } else {
      logger.error("unexpected failure in method={}", call.getMethodDescriptor().getFullMethodName(), e);
      status = Status.INTERNAL.withDescription("internal error");
    }
    close(call, status);
  }

  private static <Q, R> void close(ServerCall<Q, R> call, Status status) {
    try {
      call.close(status, new Metadata());
    } catch (IllegalStateException alreadyClosed) {
      // the service closed the call before failing
    }
  }

  /** {@code description}, cut to {@link #MAX_DESCRIPTION_CHARS} with an ellipsis. */
  static Status bounded(Status status) {
    String description = status.getDescription();
    if (description == null || description.length() <= MAX_DESCRIPTION_CHARS) {
      return status;
    }
    return status.withDescription(ApiMapping.truncate(description, MAX_DESCRIPTION_CHARS));
  }

  /** Bounds the description of whatever status the service closes its call with. */
  private static final class BoundedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    BoundedCall(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      super.close(bounded(status), trailers);
    }
  }
}
