package dev.umbra.shadow.ingest;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The secret a primary's streams prove, bound by the first Hello for its id (issued here when
 * that Hello carried none). Compared in constant time; its {@link #toString} says nothing, so
 * it cannot reach a log line by accident. Kept in memory only: a restarted shadow binds again.
 */
final class SessionSecret {
  static final int MIN_BYTES = 16;
  static final int MAX_BYTES = 64;
  static final int ISSUED_BYTES = 32;

  private final byte[] bytes;

  private SessionSecret(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * @throws IllegalArgumentException naming {@code hello.session_secret} when the length is
   *     outside {@value #MIN_BYTES}..{@value #MAX_BYTES}
   */
  static SessionSecret of(byte[] bytes) {
    if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("hello.session_secret must be " + MIN_BYTES + " to " + MAX_BYTES
          + " bytes, was " + bytes.length);
    }
    return new SessionSecret(bytes.clone());
  }

  static SessionSecret issue(SecureRandom random) {
    byte[] bytes = new byte[ISSUED_BYTES];
    random.nextBytes(bytes);
    return new SessionSecret(bytes);
  }

  /** Constant time in the content: a wrong guess learns nothing from how long it took. */
  boolean matches(SessionSecret presented) {
    return MessageDigest.isEqual(bytes, presented.bytes);
  }

  byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionSecret other && matches(other);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SessionSecret(redacted)";
  }
}
