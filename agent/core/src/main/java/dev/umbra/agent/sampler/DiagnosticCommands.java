package dev.umbra.agent.sampler;

import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.management.ObjectName;

/**
 * Runs a diagnostic command ({@code jcmd}'s, e.g. {@code GC.class_histogram -all}) in this JVM
 * and returns its output. Sampler thread.
 */
public interface DiagnosticCommands {
  /** @param commandLine the command and its arguments, as {@code jcmd <pid>} takes them */
  String execute(String commandLine) throws Exception;

  /**
   * Through the {@code DiagnosticCommand} MBean of the platform MBean server, which this creates
   * when nothing has yet: ~440 JMX classes and ~1.4 MB of metaspace for the life of the JVM
   * (agent/BENCHMARK.md, run 14). The fallback of {@link #direct}.
   */
  static DiagnosticCommands throughMBeanServer() {
    return commandLine -> {
      String[] words = commandLine.trim().split("\\s+");
      String[] arguments = Arrays.copyOfRange(words, 1, words.length);
      return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), operation(words[0]),
          new Object[] {arguments}, new String[] {String[].class.getName()}));
    };
  }

  /**
   * {@link #direct}, else {@link #throughMBeanServer}, chosen at the first command: a primary
   * whose criticality takes no class histogram (and so runs no command) pays nothing at start-up,
   * neither the module change nor the look-up.
   */
  static DiagnosticCommands onFirstUse(Instrumentation instrumentation) {
    return new DiagnosticCommands() {
      private DiagnosticCommands chosen;

      @Override
      public synchronized String execute(String commandLine) throws Exception {
        if (chosen == null) {
          chosen = direct(instrumentation).orElseGet(DiagnosticCommands::throughMBeanServer);
        }
        return chosen.execute(commandLine);
      }
    };
  }

  /**
   * The JDK's own implementation behind that MBean, called without any MBean server: its
   * package is opened to the agent through {@code instrumentation}. Empty when this JDK's
   * internals differ; callers then use {@link #throughMBeanServer}.
   */
  static Optional<DiagnosticCommands> direct(Instrumentation instrumentation) {
    Optional<Module> management = ModuleLayer.boot().findModule("jdk.management");
    if (management.isEmpty()) {
      return Optional.empty();
    }
    try {
      instrumentation.redefineModule(management.get(), Set.of(), Map.of(),
          Map.of(DirectDiagnosticCommands.PACKAGE, Set.of(DiagnosticCommands.class.getModule())), Set.of(), Map.of());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    return DirectDiagnosticCommands.find();
  }

  /**
   * {@code GC.class_histogram} → {@code gcClassHistogram}, the MBean's operation name: lower case
   * up to the first {@code .} or {@code _}, then each word capitalised (as the JDK names them).
   */
  static String operation(String command) {
    StringBuilder name = new StringBuilder();
    boolean first = true;
    boolean capital = false;
    for (char c : command.toCharArray()) {
      if (c == '.' || c == '_') {
        first = false;
        capital = true;
      } else {
        name.append(capital ? Character.toUpperCase(c) : first ? Character.toLowerCase(c) : c);
        capital = false;
      }
    }
    return name.toString();
  }
}
