package dev.umbra.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Defines {@code dev.umbra.agent.bootstrap} in the bootstrap class loader, where advice inlined
 * into {@code java.io} and {@code sun.nio.ch} looks for it. Byte Buddy's Unsafe injector (from
 * the throw-away {@link HookLoader}) defines
 * the classes directly; only where it is unavailable are they appended to the bootstrap search
 * path from a temporary jar (which makes HotSpot print that class sharing is then limited to
 * boot classes, hence not the first choice). Must run before anything loads one of these
 * classes, so that every loader resolves the one boot copy.
 */
final class BootstrapInjector {
  /** Every class of {@code dev.umbra.agent.bootstrap}; BootstrapInjectorTest keeps it complete. */
  static final List<String> CLASSES =
      List.of(
          "dev.umbra.agent.bootstrap.AgentThread",
          "dev.umbra.agent.bootstrap.EndpointTable",
          "dev.umbra.agent.bootstrap.EndpointTable$Sink",
          "dev.umbra.agent.bootstrap.IoCounters");

  private BootstrapInjector() {}

  static void inject(Instrumentation instrumentation, HookLoader hooks) throws Exception {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    ClassLoader agentLoader = BootstrapInjector.class.getClassLoader();
    for (String name : CLASSES) {
      String path = name.replace('.', '/') + ".class";
      try (InputStream in = agentLoader.getResourceAsStream(path)) {
        if (in == null) {
          throw new IOException(path + " is missing from the agent jar");
        }
        classes.put(name, in.readAllBytes());
      }
    }
    if (hooks.injectBootstrap(instrumentation, classes)) {
      return;
    }
    Path bootJar = Files.createTempFile("umbra-bootstrap-", ".jar");
    bootJar.toFile().deleteOnExit();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(bootJar))) {
      for (Map.Entry<String, byte[]> c : classes.entrySet()) {
        out.putNextEntry(new JarEntry(c.getKey().replace('.', '/') + ".class"));
        out.write(c.getValue());
        out.closeEntry();
      }
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootJar.toFile()));
  }
}
