package dev.umbra.agent.transport;

import dev.umbra.agent.config.ShadowAddress;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One shadow's host name resolved with the JDK's resolver ({@link InetAddress}, with its cache)
 * on the channel's offload executor, when the channel starts and whenever gRPC asks again (after
 * every lost or failed connection), so a shadow that comes back at another address is found.
 *
 * <p>It stands in for gRPC's {@code DnsNameResolver}, which resolves the same way but also loads
 * JNDI for DNS TXT and SRV look-ups (service configs, grpclb) that the agent never makes, and
 * asks the JVM's {@code ProxySelector} about every address. It asks no proxy on purpose: the
 * shadow runs beside the primary (loopback, the same pod or the cluster's network), and the
 * proxy settings of the application's JVM ({@code https.proxyHost}, a custom selector) are there
 * for the application's own outbound traffic; sending the agent's stream through them would add a
 * hop that cannot help and, for a loopback shadow, break it.
 *
 * <p>Its state is touched only in gRPC's synchronisation context, the look-up itself only on the
 * offload executor, one at a time.
 */
final class ShadowNameResolver extends NameResolver {
  /** The target scheme of the agent's channels; any target with it resolves {@link #address}. */
  static final String SCHEME = "umbra-shadow";

  private final ShadowAddress address;
  private final Executor offload;
  private final SynchronizationContext context;
  private Listener2 listener;
  private boolean resolving;
  private boolean shutdown;

  ShadowNameResolver(ShadowAddress address, Executor offload, SynchronizationContext context) {
    this.address = Objects.requireNonNull(address, "address");
    this.offload = Objects.requireNonNull(offload, "offload");
    this.context = Objects.requireNonNull(context, "context");
  }

  /** The target to build a channel for {@code address} with, e.g. {@code umbra-shadow://[::1]:7070}. */
  static String target(ShadowAddress address) {
    return SCHEME + "://" + address;
  }

  /** Gives every channel target of {@link #SCHEME} a resolver of {@code address}. */
  static NameResolver.Factory factory(ShadowAddress address) {
    return new NameResolver.Factory() {
      @Override
      public NameResolver newNameResolver(URI targetUri, Args args) {
        if (!SCHEME.equals(targetUri.getScheme())) {
          return null;
        }
        Executor executor = args.getOffloadExecutor();
        if (executor == null) {
          throw new IllegalStateException("the channel has no offload executor to resolve " + address.host() + " on");
        }
        return new ShadowNameResolver(address, executor, args.getSynchronizationContext());
      }

      @Override
      public String getDefaultScheme() {
        return SCHEME;
      }
    };
  }

  /** {@code host:port}, IPv6 in brackets: the {@code :authority} and the name TLS verifies. */
  @Override
  public String getServiceAuthority() {
    return address.toString();
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    resolve();
  }

  @Override
  public void refresh() {
    resolve();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  private void resolve() {
    if (resolving || shutdown || listener == null) {
      return;
    }
    resolving = true;
    try {
      offload.execute(() -> {
        StatusOr<List<EquivalentAddressGroup>> found = lookUp(address);
        context.execute(() -> {
          resolving = false;
          if (!shutdown) {
            listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(found).build());
          }
        });
      });
    } catch (RejectedExecutionException e) {
      resolving = false; // the connection is closing: its offload thread is gone
    }
  }

  /** Every address of the host, in the resolver's order; UNAVAILABLE when it has none. */
  static StatusOr<List<EquivalentAddressGroup>> lookUp(ShadowAddress address) {
    try {
      List<EquivalentAddressGroup> groups = new ArrayList<>();
      for (InetAddress ip : InetAddress.getAllByName(address.host())) {
        groups.add(new EquivalentAddressGroup(new InetSocketAddress(ip, address.port())));
      }
      return StatusOr.fromValue(groups);
    } catch (UnknownHostException | RuntimeException e) {
      return StatusOr.fromStatus(Status.UNAVAILABLE.withDescription("cannot resolve the shadow's host " + address.host()
          + ": " + e.getMessage()).withCause(e));
    }
  }
}
