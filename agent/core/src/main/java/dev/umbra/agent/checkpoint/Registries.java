package dev.umbra.agent.checkpoint;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.MalformedObjectNameException;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;

/**
 * The applications' checkpoint registries ({@code dev.umbra.api.CheckpointRegistryMBean}), one
 * per copy of umbra-api, reached through the MBean server with JDK types only.
 */
final class Registries {
  static final ObjectName PATTERN = pattern();
  private static final String[] NAME = {String.class.getName()};

  private final MBeanServer server;

  Registries(MBeanServer server) {
    this.server = server;
  }

  private static ObjectName pattern() {
    try {
      return new ObjectName("dev.umbra:type=CheckpointRegistry,*");
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The registries published now, in a stable order. */
  List<ObjectName> find() {
    List<ObjectName> found = new ArrayList<>(server.queryNames(PATTERN, null));
    found.sort((a, b) -> a.getCanonicalName().compareTo(b.getCanonicalName()));
    return found;
  }

  String[] names(ObjectName registry) throws Exception {
    return (String[]) call(() -> server.getAttribute(registry, "Names"));
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

  /** Calls {@code onRegistered} (on the registering thread: keep it trivial) when a registry appears. */
  void onRegistered(Runnable onRegistered) {
    NotificationListener listener = (notification, handback) -> {
      try {
        if (notification instanceof MBeanServerNotification n
            && MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(n.getType())
            && PATTERN.apply(n.getMBeanName())) {
          onRegistered.run();
        }
      } catch (Throwable t) {
        // never into the application's thread
      }
    };
    try {
      server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
    } catch (InstanceNotFoundException e) {
      // no delegate: registries are still found on each checkpoint
    }
  }

  private void invoke(ObjectName registry, String operation, Object[] args, String[] signature) throws Exception {
    call(() -> server.invoke(registry, operation, args, signature));
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
