package dev.umbra.shadow.grpc;

import dev.umbra.shadow.auth.Credentials;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The interceptors every shadow service runs behind: authentication first, then the client's
 * address into the call's context, then error mapping.
 */
public final class ShadowApi {
  private ShadowApi() {}

  public static List<ServerInterceptor> interceptors(Credentials credentials) {
    // ServerInterceptors.intercept calls the last interceptor first.
    return List.of(new ErrorInterceptor(), new ClientAddressInterceptor(), new AuthInterceptor(credentials));
  }

  /**
   * {@code service} behind {@code interceptors} (from {@link #interceptors}), reading requests
   * leniently: grpc-java parses a request before any interceptor sees it, and a parse failure
   * there ends the call with UNKNOWN and a SEVERE stack trace in the log, once per call. Here a
   * request that is not valid protobuf becomes a {@code null} message, which
   * {@link ErrorInterceptor} answers with INVALID_ARGUMENT.
   */
  public static ServerServiceDefinition bind(BindableService service, List<ServerInterceptor> interceptors) {
    return bind(service.bindService(), interceptors);
  }

  static ServerServiceDefinition bind(ServerServiceDefinition definition, List<ServerInterceptor> interceptors) {
    return ServerInterceptors.intercept(lenient(definition), interceptors);
  }

  private static ServerServiceDefinition lenient(ServerServiceDefinition definition) {
    ServiceDescriptor original = definition.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(original.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
      ServerMethodDefinition<?, ?> wrapped = lenient(method);
      methods.add(wrapped);
      descriptor.addMethod(wrapped.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> lenient(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    MethodDescriptor<Q, R> lenient = descriptor.toBuilder()
        .setRequestMarshaller(new LenientMarshaller<>(descriptor.getRequestMarshaller()))
        .build();
    return ServerMethodDefinition.create(lenient, method.getServerCallHandler());
  }

  /** Parses with {@code delegate}; null for bytes that are not a message (protobuf's INTERNAL), any other status rethrown. */
  private record LenientMarshaller<T>(MethodDescriptor.Marshaller<T> delegate) implements MethodDescriptor.Marshaller<T> {
    @Override
    public InputStream stream(T value) {
      return delegate.stream(value);
    }

    @Override
    public T parse(InputStream stream) {
      try {
        return delegate.parse(stream);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INTERNAL) {
          return null; // protobuf's marshaller reports bad bytes as INTERNAL "Invalid protobuf byte sequence"
        }
        // anything else is grpc's own verdict, e.g. RESOURCE_EXHAUSTED for a message over the
        // inbound limit (grpc-java enforces it while the message is read, inside parse)
        throw e;
      }
    }
  }
}
