package dev.umbra.agent.sampler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * {@code com.sun.management.internal.DiagnosticCommandImpl}'s {@code executeDiagnosticCommand},
 * the native call its MBean operations end in (JDK 17 to 25), reached by reflection once its
 * package is open to the agent. Loads ~30 classes where the platform MBean server loads ~440.
 * The native method lives in {@code libmanagement_ext}, which the JDK loads when its management
 * extensions' MXBean provider is first initialized: {@link #find()} initializes it, so a command
 * run before anything read a {@code com.sun.management} MXBean does not fail with an {@code
 * UnsatisfiedLinkError}.
 */
final class DirectDiagnosticCommands implements DiagnosticCommands {
  static final String PACKAGE = "com.sun.management.internal";

  private final Object implementation;
  private final Method execute;

  private DirectDiagnosticCommands(Object implementation, Method execute) {
    this.implementation = implementation;
    this.execute = execute;
  }

  /** Empty when the class or its methods are missing or not open to the agent. */
  static Optional<DiagnosticCommands> find() {
    try {
      Optional<Module> management = ModuleLayer.boot().findModule("jdk.management");
      Class<?> type = management.isEmpty() ? null : Class.forName(management.get(), PACKAGE + ".DiagnosticCommandImpl");
      if (type == null) {
        return Optional.empty();
      }
      // its static initializer loads libmanagement_ext, where executeDiagnosticCommand is
      Class.forName(PACKAGE + ".PlatformMBeanProviderImpl", true, type.getClassLoader());
      Method instance = type.getDeclaredMethod("getDiagnosticCommandMBean");
      instance.setAccessible(true);
      Method execute = type.getDeclaredMethod("executeDiagnosticCommand", String.class);
      execute.setAccessible(true);
      return Optional.of(new DirectDiagnosticCommands(instance.invoke(null), execute));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String execute(String commandLine) throws Exception {
    try {
      return String.valueOf(execute.invoke(implementation, commandLine));
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
