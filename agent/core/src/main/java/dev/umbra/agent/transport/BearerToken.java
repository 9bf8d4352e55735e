package dev.umbra.agent.transport;

import dev.umbra.agent.config.ShadowTargets;
import dev.umbra.agent.log.AgentLog;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@code authorization: Bearer <token>} on every call to the shadow: the configured token, else
 * the one in {@link ShadowTargets#credentialFile}, read again on every call (a shadow started
 * after the agent, or spawned by it, makes that file on its first start). A call without a token
 * is sent without the header; the shadow answers UNAUTHENTICATED and the transport logs it.
 */
final class BearerToken extends CallCredentials {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final Supplier<Optional<String>> token;

  private BearerToken(Supplier<Optional<String>> token) {
    this.token = token;
  }

  static BearerToken of(ShadowTargets shadow) {
    if (shadow.token().isPresent()) {
      Optional<String> token = shadow.token();
      return new BearerToken(() -> token);
    }
    Path file = shadow.credentialFile();
    return new BearerToken(() -> read(file));
  }

  static Optional<String> read(Path file) {
    try {
      String text = Files.readString(file).strip();
      return text.isEmpty() || text.contains("\n") ? Optional.empty() : Optional.of(text);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      AgentLog.warn("cannot read the shadow's credential " + file + ": " + e.getClass().getSimpleName()
          + "; give token.file= or UMBRA_TOKEN");
      return Optional.empty();
    }
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    Metadata headers = new Metadata();
    token.get().ifPresent(t -> headers.put(AUTHORIZATION, "Bearer " + t));
    applier.apply(headers);
  }
}
