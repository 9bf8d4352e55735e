package dev.umbra.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A throw-away class loader for Byte Buddy and the advice classes, which the agent needs only
 * while it defines its bootstrap classes and weaves the I/O hooks (a few hundred ms at start).
 * Loaded by the application class loader (where {@code -javaagent} puts the agent jar), those
 * classes could never be unloaded; loaded here, child first from the same jar, they go away with
 * this loader once nothing references it (at the JVM's next class-unloading collection), and
 * the woven JDK classes keep only what the advice inlined into them. Everything else (the agent
 * log, the boot-injected counters) resolves from the parent, so state is shared.
 */
final class HookLoader extends ClassLoader implements AutoCloseable {
  private static final String[] OWN = {"dev.umbra.agent.advice.", "dev.umbra.agent.shaded.net.bytebuddy."};

  static {
    registerAsParallelCapable();
  }

  /** The agent jar, read directly (a URL lookup per class costs more CPU than the classes). */
  private final JarFile jar;

  HookLoader(ClassLoader agent) {
    super("umbra-hooks", agent);
    JarFile opened = null;
    try {
      java.net.URL location = HookLoader.class.getProtectionDomain().getCodeSource().getLocation();
      Path path = Path.of(location.toURI());
      if (Files.isRegularFile(path)) {
        opened = new JarFile(path.toFile(), false);
      }
    } catch (Exception e) {
      // not from a jar (tests): read through the parent
    }
    this.jar = opened;
  }

  private static boolean own(String name) {
    for (String prefix : OWN) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!own(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        c = findClass(name);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    if (!own(name)) {
      throw new ClassNotFoundException(name);
    }
    String path = name.replace('.', '/') + ".class";
    try (InputStream in = open(path)) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length, HookLoader.class.getProtectionDomain());
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }

  private InputStream open(String path) throws IOException {
    if (jar != null) {
      JarEntry entry = jar.getJarEntry(path);
      return entry == null ? null : jar.getInputStream(entry);
    }
    return getParent().getResourceAsStream(path);
  }

  /** Closes the jar; the loader must not load classes afterwards. */
  @Override
  public void close() {
    try {
      if (jar != null) {
        jar.close();
      }
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Defines {@code classes} in the bootstrap loader with Byte Buddy's Unsafe injector; false if unavailable. */
  boolean injectBootstrap(Instrumentation instrumentation, Map<String, byte[]> classes) throws Exception {
    return (Boolean) Class.forName("dev.umbra.agent.advice.BootstrapInjection", true, this)
        .getMethod("inject", Instrumentation.class, Map.class).invoke(null, instrumentation, classes);
  }

  /** Byte Buddy's transformer that weaves the advice into the I/O classes (not installed). */
  ClassFileTransformer weaver(Instrumentation instrumentation, Set<String> targets) throws Exception {
    return (ClassFileTransformer) Class.forName("dev.umbra.agent.advice.IoHooks", true, this)
        .getMethod("weaver", Instrumentation.class, Set.class).invoke(null, instrumentation, targets);
  }
}
