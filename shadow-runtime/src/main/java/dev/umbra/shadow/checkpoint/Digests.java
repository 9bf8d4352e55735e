package dev.umbra.shadow.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 helpers; every JDK has SHA-256. */
final class Digests {
  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK provides SHA-256", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  /** The digest over a checkpoint: each state's name and digest, in order. */
  static String overall(List<CheckpointManifest.StateEntry> states) {
    MessageDigest d = sha256();
    for (CheckpointManifest.StateEntry s : states) {
      d.update(s.name().getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      d.update(s.sha256().getBytes(StandardCharsets.US_ASCII));
      d.update((byte) '\n');
    }
    return hex(d.digest());
  }
}
