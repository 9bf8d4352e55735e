package dev.umbra.agent.telemetry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What the computation is, as a stable hash: runs with the same workload are "similar
 * computations" (docs/architecture.md, "Names") and share history. The hash is the first 16 hex
 * digits of SHA-256 over the main class or jar and the normalised program arguments.
 *
 * <p>Normalisation, so that two runs of the same job hash alike: a jar or any path is reduced
 * to its file name; a value under {@code /tmp} becomes {@code #tmp}; the value of an option
 * whose name contains "port" ({@code -tcpPort 9092}, {@code --port=8080}) becomes {@code #};
 * JVM options (the agent's included) are not part of the hash at all, since heap size or GC
 * choice changes how a job runs, not what it is.
 */
public record Workload(String hash, String name) {
  /**
   * @param command {@code sun.java.command}: the main class or jar, then program arguments
   */
  public static Workload of(String command) {
    String text = command == null ? "" : command.trim();
    List<String> words = text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    String main = words.isEmpty() ? "(unknown)" : fileName(words.get(0));
    List<String> normalised = new ArrayList<>();
    normalised.add(main);
    boolean previousWasPort = false;
    for (String word : words.subList(Math.min(1, words.size()), words.size())) {
      String w = word;
      if (previousWasPort) {
        w = "#";
      } else if (w.contains("=") && isPortOption(w.substring(0, w.indexOf('=')))) {
        w = w.substring(0, w.indexOf('=') + 1) + "#";
      } else {
        w = normalisePath(w);
      }
      previousWasPort = word.startsWith("-") && !word.contains("=") && isPortOption(word);
      normalised.add(w);
    }
    return new Workload(sha256Prefix(String.join("\u0000", normalised)), main);
  }

  private static boolean isPortOption(String option) {
    return option.toLowerCase(Locale.ROOT).contains("port");
  }

  private static String normalisePath(String word) {
    int eq = word.indexOf('=');
    if (eq > 0) {
      return word.substring(0, eq + 1) + normalisePath(word.substring(eq + 1));
    }
    if (word.startsWith("/tmp/") || word.startsWith("/var/tmp/")) {
      return "#tmp";
    }
    return word.contains("/") || word.contains("\\") ? fileName(word) : word;
  }

  private static String fileName(String path) {
    String p = path.replace('\\', '/');
    while (p.endsWith("/") && p.length() > 1) {
      p = p.substring(0, p.length() - 1);
    }
    return p.substring(p.lastIndexOf('/') + 1);
  }

  private static String sha256Prefix(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
