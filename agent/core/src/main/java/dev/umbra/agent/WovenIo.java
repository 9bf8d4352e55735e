package dev.umbra.agent;

import dev.umbra.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed I/O hooks, without Byte Buddy. Installing loads the six target classes (so that
 * none is left to weave when it loads later), registers this transformer and retransforms them;
 * while that runs, this transformer delegates to Byte Buddy's weaver (from the throw-away
 * {@link HookLoader}) and keeps each class's input and woven bytes. Then the weaver is dropped.
 * Later retransformations (JFR on JDK 17 instruments the same classes when it starts; other
 * agents may too) hand the JVM's original bytes again: the kept woven bytes are returned, so the
 * hooks survive them. Should a class ever arrive as other bytes, its hooks are lost for it (logged
 * once) rather than woven by a Byte Buddy kept alive for that case. If any of the six cannot be
 * woven the hooks are removed again (all or nothing: partial counts would be wrong counts).
 */
final class WovenIo implements ClassFileTransformer, AutoCloseable {
  static final Set<String> TARGETS =
      Set.of(
          "java.io.FileInputStream",
          "java.io.FileOutputStream",
          "java.io.RandomAccessFile",
          "sun.nio.ch.FileChannelImpl",
          "sun.nio.ch.NioSocketImpl",
          "sun.nio.ch.SocketChannelImpl");

  private record Woven(byte[] input, byte[] output) {}

  private final Instrumentation instrumentation;
  private final Set<String> internalNames = new TreeSet<>();
  private final Map<String, Woven> woven = new ConcurrentHashMap<>();
  private final Set<String> lost = ConcurrentHashMap.newKeySet();
  private final List<Class<?>> classes = new ArrayList<>();
  private volatile ClassFileTransformer weaver;
  private volatile boolean closed;

  private WovenIo(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    TARGETS.forEach(t -> internalNames.add(t.replace('.', '/')));
  }

  /** Weaves the hooks; empty when they could not all be woven (logged once). */
  static Optional<WovenIo> install(Instrumentation instrumentation, HookLoader loader) {
    WovenIo hooks = new WovenIo(instrumentation);
    try {
      for (String name : TARGETS) {
        hooks.classes.add(Class.forName(name, false, null));
      }
      hooks.weaver = loader.weaver(instrumentation, TARGETS);
      instrumentation.addTransformer(hooks, true);
      instrumentation.retransformClasses(hooks.classes.toArray(Class<?>[]::new));
    } catch (Throwable t) {
      AgentLog.warn("I/O hooks not installed, disk and network bytes will read 0", t);
      hooks.remove();
      return Optional.empty();
    } finally {
      hooks.weaver = null;
    }
    Set<String> missing = new TreeSet<>(hooks.internalNames);
    missing.removeAll(hooks.woven.keySet());
    if (!missing.isEmpty()) {
      AgentLog.warn("I/O hooks dropped: could not transform " + missing);
      hooks.remove();
      return Optional.empty();
    }
    return Optional.of(hooks);
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
      ProtectionDomain domain, byte[] bytes) {
    if (loader != null || className == null || closed || !internalNames.contains(className)) {
      return null;
    }
    try {
      ClassFileTransformer w = weaver;
      if (w != null) {
        byte[] output = w.transform(module, loader, className, redefined, domain, bytes);
        if (output != null) {
          woven.put(className, new Woven(bytes.clone(), output));
        }
        return output;
      }
      Woven known = woven.get(className);
      if (known != null && Arrays.equals(known.input(), bytes)) {
        return known.output();
      }
      if (lost.add(className)) {
        AgentLog.warn("I/O hooks lost on " + className.replace('/', '.')
            + ": it was retransformed from other bytes (another agent?); its I/O is not counted from now on");
      }
      return null;
    } catch (Throwable t) {
      return null;
    }
  }

  /** Classes the hooks are woven into. */
  Set<String> transformed() {
    Set<String> names = new TreeSet<>();
    woven.keySet().forEach(n -> names.add(n.replace('/', '.')));
    return names;
  }

  /** Removes the hooks (retransforms the classes back to the JDK's). Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      remove();
    }
  }

  private void remove() {
    closed = true;
    try {
      instrumentation.removeTransformer(this);
      if (!woven.isEmpty()) {
        instrumentation.retransformClasses(classes.toArray(Class<?>[]::new));
      }
    } catch (Throwable t) {
      AgentLog.warn("could not remove the I/O hooks", t);
    }
  }
}
