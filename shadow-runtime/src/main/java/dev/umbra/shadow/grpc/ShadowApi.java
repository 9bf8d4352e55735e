package dev.umbra.shadow.grpc;

import io.grpc.ServerInterceptor;
import java.util.List;
import java.util.Optional;

/** The interceptors every shadow service runs behind: authentication first, then error mapping. */
public final class ShadowApi {
  private ShadowApi() {}

  public static List<ServerInterceptor> interceptors(Optional<String> token, Optional<String> adminToken) {
    // ServerInterceptors.intercept calls the last interceptor first.
    return List.of(new ErrorInterceptor(), new AuthInterceptor(token, adminToken));
  }
}
