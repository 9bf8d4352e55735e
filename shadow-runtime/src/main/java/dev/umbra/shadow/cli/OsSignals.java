package dev.umbra.shadow.cli;

import java.util.function.Consumer;

/**
 * Forwards SIGTERM, SIGINT and SIGHUP to a handler instead of exiting (JDK's {@code
 * sun.misc.Signal}, in jdk.unsupported: the only way to tell the signals apart).
 */
final class OsSignals {
  private OsSignals() {}

  static void forward(Consumer<String> handler) {
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.accept(s.getName()));
      } catch (IllegalArgumentException e) {
        // the JVM reserves it (-Xrs) or the OS lacks it: the default handling stays
      }
    }
  }
}
