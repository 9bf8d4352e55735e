package dev.umbra.it.primaries;

import dev.umbra.api.Checkpointable;
import dev.umbra.api.Umbra;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small piece of application state registered with Umbra as {@code ledger}: a line of text that
 * {@link FaultPrimary} corrupts on cue. Each restore prints {@code ledger restored: TEXT}; {@code
 * ledger} prints {@code ledger is TEXT}. Only loaded when a primary asks for it, so primaries
 * without umbra-api on their class path never touch it.
 */
final class Ledger implements Checkpointable {
  static final String GOOD = "balance=1000;entries=42";
  private static final Ledger instance = new Ledger();
  private volatile String text = GOOD;

  private Ledger() {}

  /** Registers the ledger (once the application has its state, as an application would). */
  static void register() {
    Umbra.register(instance);
  }

  static void corrupt() {
    instance.text = "CORRUPTED";
  }

  static String text() {
    return instance.text;
  }

  @Override
  public String name() {
    return "ledger";
  }

  @Override
  public void snapshot(OutputStream out) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void restore(InputStream in) throws IOException {
    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    System.out.println("ledger restored: " + text);
  }
}
