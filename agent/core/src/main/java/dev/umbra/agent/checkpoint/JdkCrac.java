package dev.umbra.agent.checkpoint;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JDK's own CRaC API, {@code jdk.crac} (or {@code javax.crac} in early CRaC builds), reached
 * by reflection: the agent compiles and runs on any JDK, and a CRaC JDK calls the agent's
 * {@link Resource} around every checkpoint. This is what the {@code org.crac} facade does
 * (CRaC/org.crac, {@code impl/Proxy.java}); the facade is not used because the agent would have to
 * shade it (its {@code org.crac.Core.Compat} property name would be relocated with it), it holds
 * resources weakly, and the agent needs only registration and the restore time.
 *
 * <p>The JDK's global context holds its resources weakly: the proxies registered here are kept
 * by this object, which the agent keeps for its whole run. Thread-safe.
 */
public final class JdkCrac {
  /** Where CRaC JDKs put their API, newest first. */
  static final List<String> PACKAGES = List.of("jdk.crac", "javax.crac");

  /**
   * What the agent does around a checkpoint, with the contract of {@code jdk.crac.Resource}: an
   * exception from {@link #beforeCheckpoint} fails the checkpoint (the JVM runs on and calls
   * {@link #afterRestore}); {@link #afterRestore} runs in the restored JVM, or in the same JVM
   * after a checkpoint that failed.
   */
  public interface Resource {
    void beforeCheckpoint() throws Exception;

    void afterRestore() throws Exception;
  }

  private final String pkg;
  private final ClassLoader loader;
  private final Class<?> resourceType;
  private final Object globalContext;
  private final Method register;
  private final List<Object> registered = new CopyOnWriteArrayList<>();

  private JdkCrac(String pkg, ClassLoader loader) throws ReflectiveOperationException {
    this.pkg = pkg;
    this.loader = loader;
    this.resourceType = Class.forName(pkg + ".Resource", false, loader);
    Class<?> context = Class.forName(pkg + ".Context", false, loader);
    Class<?> core = Class.forName(pkg + ".Core", true, loader);
    Method global;
    try {
      global = core.getMethod("getGlobalContext");
    } catch (NoSuchMethodException e) {
      global = context.getMethod("getGlobalContext"); // newer CRaC builds
    }
    this.globalContext = global.invoke(null);
    this.register = context.getMethod("register", resourceType);
  }

  /** This JDK's CRaC API; empty on a JDK without one (the usual case). */
  public static Optional<JdkCrac> find() {
    return find(PACKAGES, JdkCrac.class.getClassLoader());
  }

  /** The first of {@code packages} that holds a CRaC API visible from {@code loader}. */
  static Optional<JdkCrac> find(List<String> packages, ClassLoader loader) {
    for (String pkg : packages) {
      try {
        return Optional.of(new JdkCrac(pkg, loader));
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        // not this one
      }
    }
    return Optional.empty();
  }

  /** The package the API was found in, e.g. "jdk.crac". */
  public String packageName() {
    return pkg;
  }

  /**
   * Registers {@code resource} with the JDK's global context, through a proxy of the JDK's
   * {@code Resource} type that this object keeps reachable.
   *
   * @throws IllegalStateException when the JDK refuses the registration (a checkpoint in progress)
   */
  public void register(Resource resource) {
    Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {resourceType}, new Bridge(resource));
    try {
      register.invoke(globalContext, proxy);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(pkg + " refused the agent's resource: " + e.getCause(), e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(pkg + " refused the agent's resource: " + e, e);
    }
    registered.add(proxy);
  }

  /** The proxies registered so far (tests). */
  List<Object> registeredForTests() {
    return List.copyOf(registered);
  }

  /**
   * When this JVM was last restored from a checkpoint image, Unix ms, from the JDK's
   * {@code CRaCMXBean}: -1 in a JVM never restored; empty when this JDK does not say.
   */
  public OptionalLong restoreTimeMillis() {
    try {
      @SuppressWarnings("unchecked")
      Class<? extends PlatformManagedObject> type =
          (Class<? extends PlatformManagedObject>) Class.forName(pkg + ".management.CRaCMXBean", false, loader);
      PlatformManagedObject bean = ManagementFactory.getPlatformMXBean(type);
      if (bean == null) {
        return OptionalLong.empty();
      }
      return OptionalLong.of((Long) type.getMethod("getRestoreTime").invoke(bean));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** Calls the agent's resource for the JDK's; what the resource throws reaches the JDK as is. */
  private static final class Bridge implements InvocationHandler {
    private final Resource resource;

    Bridge(Resource resource) {
      this.resource = resource;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "beforeCheckpoint" -> resource.beforeCheckpoint();
        case "afterRestore" -> resource.afterRestore();
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "equals" -> {
          return args != null && args.length == 1 && proxy == args[0];
        }
        case "toString" -> {
          return "umbra-agent CRaC resource";
        }
        default -> {
          // a method a newer JDK added to Resource: its own default, or nothing
          return method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
        }
      }
      return null;
    }
  }
}
