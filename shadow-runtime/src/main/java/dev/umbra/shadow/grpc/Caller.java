package dev.umbra.shadow.grpc;

import dev.umbra.shadow.auth.Role;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Who is calling, as {@link AuthInterceptor} found out: the roles of the bearer token and the
 * session secret the call presents (the {@code umbra-session-secret-bin} header, which an agent
 * sends on its checkpoint transfers), in the call's {@link Context}.
 */
final class Caller {
  static final Metadata.Key<byte[]> SESSION_SECRET =
      Metadata.Key.of("umbra-session-secret-bin", Metadata.BINARY_BYTE_MARSHALLER);
  static final Context.Key<Set<Role>> ROLES = Context.keyWithDefault("umbra-roles", Set.of());
  static final Context.Key<byte[]> SECRET = Context.key("umbra-session-secret");

  private Caller() {}

  static Context context(Set<Role> roles, byte[] secret) {
    return Context.current().withValue(ROLES, Set.copyOf(EnumSet.copyOf(roles))).withValue(SECRET, secret);
  }

  /**
   * Lets an operator through, or an agent whose call proves {@code primaryId}'s session secret;
   * anyone else gets PERMISSION_DENIED.
   *
   * @param proves whether a secret is the one bound to a primary id (constant time)
   */
  static void requireOperatorOrAgentOf(String primaryId, BiPredicate<String, byte[]> proves) {
    if (ROLES.get().contains(Role.OPERATOR)) {
      return;
    }
    requireAgentOf(primaryId, proves);
  }

  /** Lets through an agent whose call proves {@code primaryId}'s session secret only. */
  static void requireAgentOf(String primaryId, BiPredicate<String, byte[]> proves) {
    byte[] secret = SECRET.get();
    if (!ROLES.get().contains(Role.AGENT) || secret == null || !proves.test(primaryId, secret)) {
      throw new ApiException(Status.PERMISSION_DENIED.withDescription(
          "primary " + ApiMapping.echo(primaryId) + ": only its agent, proving its session secret, may do this"));
    }
  }
}
