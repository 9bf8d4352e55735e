package dev.umbra.agent.spawn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds {@code umbra-shadow.jar}. With {@code UMBRA_HOME} (or {@code home=}/{@code -Dumbra.home})
 * only there: {@code HOME/umbra-shadow.jar}, then {@code HOME/lib/umbra-shadow.jar}. Otherwise
 * beside the agent jar (the distribution layout: both jars in one folder), then a source checkout
 * ({@code agent/core/target/umbra-agent.jar} → {@code shadow-runtime/target/umbra-shadow.jar}).
 */
final class ShadowJar {
  static final String NAME = "umbra-shadow.jar";

  private ShadowJar() {}

  /** The places looked at, in order. */
  static List<Path> candidates(Optional<Path> home, Optional<Path> agentJar) {
    List<Path> candidates = new ArrayList<>();
    if (home.isPresent()) {
      candidates.add(home.get().resolve(NAME));
      candidates.add(home.get().resolve("lib").resolve(NAME));
      return candidates;
    }
    if (agentJar.isPresent()) {
      Path folder = agentJar.get().toAbsolutePath().normalize().getParent();
      if (folder != null) {
        candidates.add(folder.resolve(NAME));
        Path core = folder.getParent(); // agent/core when run from a checkout's target folder
        if (folder.getFileName() != null && folder.getFileName().toString().equals("target")
            && core != null && core.getParent() != null && core.getParent().getParent() != null) {
          candidates.add(core.getParent().getParent().resolve("shadow-runtime/target").resolve(NAME));
        }
      }
    }
    return candidates;
  }

  static Optional<Path> find(List<Path> candidates) {
    return candidates.stream().filter(Files::isRegularFile).findFirst();
  }

  /** The jar (or classes folder) this agent was loaded from. */
  static Optional<Path> agentJar() {
    try {
      var source = ShadowJar.class.getProtectionDomain().getCodeSource();
      return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()));
    } catch (Exception | Error e) {
      return Optional.empty();
    }
  }
}
