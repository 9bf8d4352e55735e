package dev.umbra.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@link PrintStream} that keeps what is printed to it, for tests of what the agent writes. */
public final class CapturedStream {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  /** The stream to give the code under test. */
  public PrintStream stream() {
    return stream;
  }

  /** Everything printed so far. */
  public String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
