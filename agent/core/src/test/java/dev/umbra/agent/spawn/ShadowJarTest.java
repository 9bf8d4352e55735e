package dev.umbra.agent.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowJarTest {
  @Test
  void looksOnlyInUmbraHome_whenItIsSet() {
    assertThat(ShadowJar.candidates(Optional.of(Path.of("/opt/umbra")), Optional.of(Path.of("/x/umbra-agent.jar"))))
        .containsExactly(Path.of("/opt/umbra/umbra-shadow.jar"), Path.of("/opt/umbra/lib/umbra-shadow.jar"));
  }

  @Test
  void looksBesideTheAgentJar_thenInTheCheckout() {
    assertThat(ShadowJar.candidates(Optional.empty(), Optional.of(Path.of("/src/umbra/agent/core/target/umbra-agent.jar"))))
        .containsExactly(Path.of("/src/umbra/agent/core/target/umbra-shadow.jar"),
            Path.of("/src/umbra/shadow-runtime/target/umbra-shadow.jar"));
    assertThat(ShadowJar.candidates(Optional.empty(), Optional.of(Path.of("/opt/umbra/umbra-agent.jar"))))
        .containsExactly(Path.of("/opt/umbra/umbra-shadow.jar"));
  }

  @Test
  void findsTheFirstCandidateThatIsAFile(@TempDir Path tmp) throws Exception {
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Path jar = Files.writeString(lib.resolve("umbra-shadow.jar"), "");

    assertThat(ShadowJar.find(ShadowJar.candidates(Optional.of(tmp), Optional.empty()))).contains(jar);
    assertThat(ShadowJar.find(ShadowJar.candidates(Optional.of(tmp.resolve("none")), Optional.empty()))).isEmpty();
  }
}
