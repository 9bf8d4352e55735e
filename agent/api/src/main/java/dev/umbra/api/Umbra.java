package dev.umbra.api;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Where an application registers its {@link Checkpointable} states.
 *
 * <pre>{@code
 * Registration r = Umbra.register(new OrderBookState(book));
 * }</pre>
 *
 * <p>Registering works with or without the Umbra agent: without it nothing is ever
 * checkpointed. The registry is published as a platform MBean
 * ({@value #OBJECT_NAME_PREFIX}{@code <n>}) whose operations take only JDK types, so that the
 * agent reaches it whatever class loader loaded this API. Thread-safe.
 */
public final class Umbra {
  /** Prefix of the registry's MBean name; the agent queries {@code dev.umbra:type=CheckpointRegistry,*}. */
  public static final String OBJECT_NAME_PREFIX = "dev.umbra:type=CheckpointRegistry,id=";

  private static final CheckpointRegistry REGISTRY = new CheckpointRegistry();

  static {
    publish();
  }

  private Umbra() {}

  /**
   * Adds {@code state} to every future checkpoint and rollback.
   *
   * @throws IllegalArgumentException when a state with the same name is registered already
   */
  public static Registration register(Checkpointable state) {
    Objects.requireNonNull(state, "state");
    return REGISTRY.add(state);
  }

  /** The registry behind {@link #register}, for tests of this package. */
  static CheckpointRegistry registry() {
    return REGISTRY;
  }

  private static void publish() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    // Several copies of this API (different class loaders) each publish their own registry.
    String id = Integer.toHexString(System.identityHashCode(Umbra.class.getClassLoader()))
        + "-" + Integer.toHexString(System.identityHashCode(REGISTRY));
    try {
      server.registerMBean(REGISTRY, new ObjectName(OBJECT_NAME_PREFIX + id));
    } catch (JMException | RuntimeException e) {
      // Without the MBean the agent cannot checkpoint this application; the application runs on.
      System.err.println("umbra-api WARN cannot publish the checkpoint registry: " + e);
    }
  }
}
