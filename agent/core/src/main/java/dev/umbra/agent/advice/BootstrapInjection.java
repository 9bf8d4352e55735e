package dev.umbra.agent.advice;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Byte Buddy's Unsafe injector, loaded only by the throw-away {@code HookLoader}: defines the
 * {@code dev.umbra.agent.bootstrap} classes in the boot loader. A class of its own, apart from
 * {@link IoHooks}, so that nothing resolves a bootstrap class before it is defined.
 */
public final class BootstrapInjection {
  private BootstrapInjection() {}

  /** Defines {@code classes} in the bootstrap loader; false when Unsafe injection is unavailable. */
  public static boolean inject(Instrumentation instrumentation, Map<String, byte[]> classes) {
    ClassInjector.UsingUnsafe.Factory unsafe = ClassInjector.UsingUnsafe.Factory.resolve(instrumentation);
    if (!unsafe.isAvailable()) {
      return false;
    }
    unsafe.make(null, null).injectRaw(classes);
    return true;
  }
}
