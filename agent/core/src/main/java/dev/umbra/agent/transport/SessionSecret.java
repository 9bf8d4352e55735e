package dev.umbra.agent.transport;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;

/**
 * The random bytes by which every Hello of one run proves that it speaks for the primary
 * (docs/security.md, "Who speaks for a primary"). Kept in memory only; {@link #toString} never
 * shows them. Immutable.
 */
public final class SessionSecret {
  static final int LENGTH = 32;

  private final ByteString bytes;

  private SessionSecret(ByteString bytes) {
    this.bytes = bytes;
  }

  /** 32 new random bytes ({@code /dev/urandom} on Linux: never blocks). */
  public static SessionSecret random() {
    byte[] secret = new byte[LENGTH];
    new SecureRandom().nextBytes(secret);
    return new SessionSecret(ByteString.copyFrom(secret));
  }

  static SessionSecret of(ByteString bytes) {
    return new SessionSecret(bytes);
  }

  ByteString bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return "SessionSecret[" + bytes.size() + " bytes]";
  }
}
