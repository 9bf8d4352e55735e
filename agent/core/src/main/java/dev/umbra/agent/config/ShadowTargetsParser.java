package dev.umbra.agent.config;

import dev.umbra.agent.config.AgentConfig.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds {@link ShadowTargets} from the {@code shadow}, {@code token} or {@code token.file}, {@code tls*}, {@code home}
 * and {@code spawn.*} settings. {@code shadow} is a list separated by {@code |} or {@code ,} of
 * {@code host:port}, {@code spawn} (the default address, spawned if absent) or
 * {@code spawn:host:port} (a loopback address).
 */
final class ShadowTargetsParser {
  private ShadowTargetsParser() {}

  static ShadowTargets parse(Setting shadow, Map<String, Setting> settings, Map<String, String> systemProperties)
      throws ConfigException {
    List<ShadowTargets.Target> targets = shadow == null
        ? List.of(new ShadowTargets.Target(AgentConfig.DEFAULT_SHADOW, false))
        : targets(shadow);
    Optional<String> token = token(settings.get("token"), settings.get("token.file"));
    Optional<ShadowTargets.Tls> tls = tls(settings.get("tls"), settings.get("tls.ca"));
    if (tls.isPresent() && targets.stream().anyMatch(ShadowTargets.Target::spawn)) {
      throw shadow.bad("a spawned shadow listens in plaintext on loopback; drop tls/tls.ca or give host:port");
    }
    SpawnSettings spawn = spawn(settings, systemProperties);
    if (targets.stream().filter(ShadowTargets.Target::spawn).count() > 1) {
      throw shadow.bad("at most one entry may be spawn");
    }
    return new ShadowTargets(targets, token, tls, spawn);
  }

  /**
   * The token from {@code token}, or from the file {@code token.file} names (its content without
   * surrounding white space): a file readable only by the application's user keeps the token out
   * of {@code /proc/PID/cmdline}, where any local user can read an agent option; so {@code token}
   * itself is taken from {@code UMBRA_TOKEN} only, never from an option or {@code -D}.
   */
  private static Optional<String> token(Setting token, Setting file) throws ConfigException {
    if (token != null && file != null) {
      throw file.bad("give token or token.file, not both");
    }
    if (token != null && !token.source().startsWith("environment")) {
      // the value stays out of the message: it is a secret
      throw new ConfigException("token (" + token.source() + ") is visible to every local user in the process list;"
          + " use token.file=FILE or UMBRA_TOKEN");
    }
    if (file == null) {
      return Optional.ofNullable(token).map(Setting::value).filter(t -> !t.isBlank());
    }
    String text;
    try {
      text = Files.readString(Path.of(file.value())).strip();
    } catch (IOException | InvalidPathException e) {
      throw file.bad("cannot read it: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    if (text.isEmpty() || text.contains("\n")) {
      throw file.bad("expected one token in the file, found " + (text.isEmpty() ? "nothing" : "several lines"));
    }
    return Optional.of(text);
  }

  private static List<ShadowTargets.Target> targets(Setting shadow) throws ConfigException {
    List<ShadowTargets.Target> targets = new ArrayList<>();
    for (String entry : shadow.value().split("[|,]")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      String lower = e.toLowerCase(Locale.ROOT);
      if (lower.equals("spawn")) {
        targets.add(new ShadowTargets.Target(AgentConfig.DEFAULT_SHADOW, true));
      } else if (lower.startsWith("spawn:")) {
        ShadowAddress address = shadow.address(e.substring("spawn:".length()));
        if (!loopback(address.host())) {
          throw shadow.bad("a spawned shadow listens on loopback only, not " + address.host()
              + " (use 127.0.0.1, ::1 or localhost)");
        }
        targets.add(new ShadowTargets.Target(address, true));
      } else {
        targets.add(new ShadowTargets.Target(shadow.address(e), false));
      }
    }
    if (targets.isEmpty()) {
      throw shadow.bad("expected host:port, spawn or spawn:host:port");
    }
    return targets;
  }

  static boolean loopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private static Optional<ShadowTargets.Tls> tls(Setting tls, Setting ca) throws ConfigException {
    Optional<Path> trusted = Optional.empty();
    if (ca != null && !ca.value().isBlank()) {
      Path file = Path.of(ca.value());
      if (!Files.isReadable(file)) {
        throw ca.bad("not a readable PEM file");
      }
      trusted = Optional.of(file);
    }
    boolean on = trusted.isPresent();
    if (tls != null) {
      on = tls.bool();
      if (!on && trusted.isPresent()) {
        throw tls.bad("tls=false contradicts tls.ca");
      }
    }
    return on ? Optional.of(new ShadowTargets.Tls(trusted)) : Optional.empty();
  }

  private static SpawnSettings spawn(Map<String, Setting> settings, Map<String, String> systemProperties)
      throws ConfigException {
    SpawnSettings d = SpawnSettings.defaults();
    Optional<Path> home = path(settings.get("home"));
    long heap = bytes(settings.get("spawn.heap"), d.heapBytes());
    long offHeap = bytes(settings.get("spawn.offheap"), d.offHeapBytes());
    Optional<Double> cpu = Optional.empty();
    Setting cpuSetting = settings.get("spawn.cpu");
    if (cpuSetting != null) {
      try {
        double cores = Double.parseDouble(cpuSetting.value());
        if (!(cores >= 0.01) || !Double.isFinite(cores)) {
          throw cpuSetting.bad("expected a number of cores of at least 0.01, such as 0.5");
        }
        cpu = Optional.of(cores);
      } catch (NumberFormatException e) {
        throw cpuSetting.bad("expected a number of cores such as 0.5");
      }
    }
    Optional<Long> memory = Optional.empty();
    Setting memorySetting = settings.get("spawn.memory");
    if (memorySetting != null) {
      long bytes = bytes(memorySetting, 0);
      if (bytes < heap + offHeap) {
        throw memorySetting.bad("below spawn.heap + spawn.offheap (" + ((heap + offHeap) >> 20)
            + "m): the shadow would be killed for memory; raise it or lower spawn.heap");
      }
      memory = Optional.of(bytes);
    }
    Duration idle = d.idleExit();
    Setting idleSetting = settings.get("spawn.idle");
    if (idleSetting != null) {
      idle = idleSetting.positiveDuration();
    }
    Optional<Path> data = path(settings.get("spawn.data")).or(() -> defaultDataDir(systemProperties));
    Setting port = settings.get("spawn.http.port");
    int httpPort = port == null ? d.httpPort() : port.integer(0, 65535);
    if (heap < (16L << 20)) {
      throw settings.get("spawn.heap").bad("expected at least 16m");
    }
    if (offHeap < (16L << 20)) {
      throw settings.get("spawn.offheap").bad("expected at least 16m");
    }
    return new SpawnSettings(home, heap, offHeap, cpu, memory, idle, data, httpPort);
  }

  /** {@code ~/.umbra/shadow}: one history for every spawned shadow of this user, across runs. */
  private static Optional<Path> defaultDataDir(Map<String, String> systemProperties) {
    String home = systemProperties.get("user.home");
    if (home != null && !home.isBlank() && !home.equals("?")) {
      return Optional.of(Path.of(home, ".umbra", "shadow"));
    }
    return Optional.ofNullable(systemProperties.get("java.io.tmpdir")).map(t -> Path.of(t, "umbra-shadow"));
  }

  private static Optional<Path> path(Setting s) {
    return s == null || s.value().isBlank() ? Optional.empty() : Optional.of(Path.of(s.value()));
  }

  /** A size in the shared grammar ({@code 512m}, {@code 1.5g}, {@code 1048576}), or {@code fallback} when unset. */
  static long bytes(Setting s, long fallback) throws ConfigException {
    return s == null ? fallback : s.bytes();
  }
}
