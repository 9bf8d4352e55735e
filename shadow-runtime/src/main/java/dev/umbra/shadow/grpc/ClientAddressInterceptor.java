package dev.umbra.shadow.grpc;

import dev.umbra.shadow.ingest.IngestService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Puts the caller's host into the call's {@link Context} ({@link IngestService#CLIENT_ADDRESS}),
 * which ingest counts primaries by: the host only, so that every connection of one machine counts
 * together. In process, the transport's name.
 */
final class ClientAddressInterceptor implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Context context = Context.current().withValue(IngestService.CLIENT_ADDRESS,
        host(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
    return Contexts.interceptCall(context, call, headers, next);
  }

  static String host(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return String.valueOf(remote);
  }
}
