package dev.umbra.it.primaries;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A cue from the test: set once a line arrives on stdin. Read on a daemon thread, so that it
 * keeps no JVM alive. A primary that takes one ends when the test has seen what it waits for,
 * instead of running a length chosen for the slowest machine.
 */
final class StdinCue {
  private volatile boolean given;

  private StdinCue() {}

  /** Starts listening; {@link #given()} stays false if stdin closes without a line. */
  static StdinCue listen() {
    StdinCue cue = new StdinCue();
    Thread reader = new Thread(() -> {
      try {
        if (new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine() != null) {
          cue.given = true;
        }
      } catch (IOException e) {
        // stdin gone: never given
      }
    }, "cue");
    reader.setDaemon(true);
    reader.start();
    return cue;
  }

  /**
   * For a primary whose usage is {@code <seconds> [cue]}: listening with {@code cue} as the
   * second argument, else a cue never given.
   */
  static StdinCue fromSecondArgument(String[] args) {
    if (args.length == 1) {
      return new StdinCue();
    }
    if (args.length == 2 && args[1].equals("cue")) {
      return listen();
    }
    throw new IllegalArgumentException("usage: <seconds> [cue], not: " + String.join(" ", args));
  }

  boolean given() {
    return given;
  }
}
