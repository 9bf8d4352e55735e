package dev.umbra.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {
  @Test
  void injectsEveryClassOfTheBootstrapPackage() throws Exception {
    Path folder = Path.of(dev.umbra.agent.bootstrap.IoCounters.class.getProtectionDomain().getCodeSource()
        .getLocation().toURI()).resolve("dev/umbra/agent/bootstrap");
    try (Stream<Path> files = Files.list(folder)) {
      assertThat(files.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
              .map(n -> "dev.umbra.agent.bootstrap." + n.substring(0, n.length() - ".class".length()))
              .collect(Collectors.toSet()))
          .containsExactlyInAnyOrderElementsOf(BootstrapInjector.CLASSES);
    }
  }
}
