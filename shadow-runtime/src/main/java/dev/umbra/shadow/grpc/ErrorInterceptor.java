package dev.umbra.shadow.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become statuses: an {@link ApiException} answers with its
 * status; anything else escaping a service is a bug, logged with its method and answered with
 * a bare INTERNAL so that no internals leak to clients. The server keeps serving either way.
 */
final class ErrorInterceptor implements ServerInterceptor {
  private static final Logger logger = LoggerFactory.getLogger(ErrorInterceptor.class);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      closeWith(call, e);
      return new ServerCall.Listener<>() {};
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          closeWith(call, e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          closeWith(call, e);
        }
      }
    };
  }

  private static <Q, R> void closeWith(ServerCall<Q, R> call, RuntimeException e) {
    Status status;
    if (e instanceof ApiException api) {
      status = api.status();
    } else {
      logger.error("unexpected failure in method={}", call.getMethodDescriptor().getFullMethodName(), e);
      status = Status.INTERNAL.withDescription("internal error");
    }
    try {
      call.close(status, new Metadata());
    } catch (IllegalStateException alreadyClosed) {
      // the service closed the call before failing
    }
  }
}
