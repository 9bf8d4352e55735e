package dev.umbra.agent.checkpoint;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.MBeanServerNotification;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;

/**
 * The applications' checkpoint registries ({@code dev.umbra.api.CheckpointRegistryMBean}), one
 * per copy of umbra-api, reached through the MBean server with JDK types only.
 *
 * <p>The agent never creates the platform MBean server itself (~440 JMX classes, ~1.4 MB of
 * metaspace: agent/BENCHMARK.md, run 14): umbra-api creates it when it publishes a registry, so
 * until something has created it there is no registry to find. {@link #poll} notices when it
 * appears and only then listens for registrations.
 */
final class Registries {
  static final ObjectName PATTERN = pattern();
  private static final String[] NAME = {String.class.getName()};
  private static final ObjectName RUNTIME = name("java.lang:type=Runtime");

  private final Supplier<Optional<MBeanServer>> servers;
  private volatile MBeanServer server;
  private volatile Runnable onRegistered;
  private volatile boolean listening;

  /** @param servers the MBean server to use once it exists, empty before */
  Registries(Supplier<Optional<MBeanServer>> servers) {
    this.servers = servers;
  }

  /**
   * The platform MBean server if something in this JVM has created it, without creating it:
   * {@code ManagementFactory.getPlatformMBeanServer} creates it through {@link MBeanServerFactory},
   * which lists it, and it is the one that holds the platform's MXBeans. Empty, too, when a
   * security manager forbids the look-up.
   */
  static Optional<MBeanServer> platformIfCreated() {
    try {
      for (MBeanServer candidate : MBeanServerFactory.findMBeanServer(null)) {
        if (candidate.isRegistered(RUNTIME)) {
          return Optional.of(candidate);
        }
      }
    } catch (SecurityException e) {
      // no registry can be reached then
    }
    return Optional.empty();
  }

  private static ObjectName pattern() {
    return name("dev.umbra:type=CheckpointRegistry,*");
  }

  private static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server, once it exists; empty before. */
  private Optional<MBeanServer> server() {
    MBeanServer known = server;
    if (known == null) {
      Optional<MBeanServer> found = servers.get();
      found.ifPresent(s -> server = s);
      return found;
    }
    return Optional.of(known);
  }

  private MBeanServer requireServer() throws InstanceNotFoundException {
    return server().orElseThrow(() -> new InstanceNotFoundException("no MBean server: no registry is published"));
  }

  /** The registries published now, in a stable order. */
  List<ObjectName> find() {
    Optional<MBeanServer> current = server();
    if (current.isEmpty()) {
      return List.of();
    }
    List<ObjectName> found = new ArrayList<>(current.get().queryNames(PATTERN, null));
    found.sort((a, b) -> a.getCanonicalName().compareTo(b.getCanonicalName()));
    return found;
  }

  String[] names(ObjectName registry) throws Exception {
    MBeanServer s = requireServer();
    return (String[]) call(() -> s.getAttribute(registry, "Names"));
  }

  void before(ObjectName registry) throws Exception {
    invoke(registry, "beforeCheckpoint", new Object[0], new String[0]);
  }

  void after(ObjectName registry) throws Exception {
    invoke(registry, "afterCheckpoint", new Object[0], new String[0]);
  }

  void snapshot(ObjectName registry, String name, OutputStream out) throws Exception {
    invoke(registry, "snapshot", new Object[] {name, out}, new String[] {NAME[0], OutputStream.class.getName()});
  }

  void restore(ObjectName registry, String name, InputStream in) throws Exception {
    invoke(registry, "restore", new Object[] {name, in}, new String[] {NAME[0], InputStream.class.getName()});
  }

  /**
   * Calls {@code onRegistered} (on the registering thread: keep it trivial) when a registry
   * appears; listens from the first {@link #poll} that finds the MBean server.
   */
  void onRegistered(Runnable onRegistered) {
    this.onRegistered = onRegistered;
    poll();
  }

  /**
   * Starts listening once the MBean server exists, and then calls {@code onRegistered} if a
   * registry was published before; does nothing once listening. Cheap: a look-up in
   * {@link MBeanServerFactory}'s list until the server appears.
   */
  synchronized void poll() {
    Runnable callback = onRegistered;
    if (listening || callback == null) {
      return;
    }
    Optional<MBeanServer> current = server();
    if (current.isEmpty()) {
      return;
    }
    NotificationListener listener = (notification, handback) -> {
      try {
        if (notification instanceof MBeanServerNotification n
            && MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(n.getType())
            && PATTERN.apply(n.getMBeanName())) {
          callback.run();
        }
      } catch (Throwable t) {
        // never into the application's thread
      }
    };
    listening = true;
    try {
      current.get().addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
    } catch (InstanceNotFoundException e) {
      // no delegate: registries are still found on each checkpoint
    }
    if (!find().isEmpty()) {
      callback.run(); // published before the listener
    }
  }

  private void invoke(ObjectName registry, String operation, Object[] args, String[] signature) throws Exception {
    MBeanServer s = requireServer();
    call(() -> s.invoke(registry, operation, args, signature));
  }

  private interface JmxCall {
    Object run() throws Exception;
  }

  /** Unwraps what the application threw from JMX's wrappers. */
  private static Object call(JmxCall call) throws Exception {
    try {
      return call.run();
    } catch (MBeanException e) {
      throw e.getTargetException() == null ? e : e.getTargetException();
    } catch (RuntimeMBeanException e) {
      throw e.getTargetException() == null ? e : e.getTargetException();
    } catch (ReflectionException e) {
      throw e.getTargetException() == null ? e : e.getTargetException();
    }
  }
}
