package dev.umbra.agent.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.config.SpawnSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpawnCommandTest {
  @Test
  void runsServeOnLoopback_withCapsIdleExitAndLimits() {
    SpawnSettings settings = new SpawnSettings(Optional.empty(), 256L << 20, 128L << 20, Optional.of(0.5),
        Optional.of(1L << 30), Duration.ofSeconds(8), Optional.empty(), 0);

    List<String> command = SpawnCommand.command(Path.of("/jdk/bin/java"), Path.of("/opt/umbra-shadow.jar"),
        new ShadowAddress("127.0.0.1", 7171), settings, Path.of("/d"), Optional.of(Path.of("/usr/bin/setsid")));

    assertThat(command).startsWith("/usr/bin/setsid", "/jdk/bin/java", "-Xmx256m", "-XX:MaxDirectMemorySize=128m",
        "-Dorg.bytedeco.javacpp.maxbytes=128m", "-Dorg.bytedeco.javacpp.maxphysicalbytes=512m");
    assertThat(String.join(" ", command)).endsWith("-jar /opt/umbra-shadow.jar serve --host 127.0.0.1 --port 7171"
        + " --http-port 0 --data /d --exit-when-idle 8000ms --cpu 0.500 --memory 1073741824");
  }

  @Test
  void leavesLimitsAndSetsidOut_whenThereAreNone() {
    List<String> command = SpawnCommand.command(Path.of("java"), Path.of("s.jar"), new ShadowAddress("127.0.0.1", 7070),
        SpawnSettings.defaults(), Path.of("/d"), Optional.empty());

    assertThat(command.get(0)).isEqualTo("java");
    assertThat(command).doesNotContain("--cpu", "--memory");
  }

  @Test
  void keepsAgentOptionsAndUmbraSettingsOutOfTheShadowsEnvironment() {
    Map<String, String> env = new HashMap<>(Map.of(
        "JAVA_TOOL_OPTIONS", "-javaagent:umbra-agent.jar=shadow=spawn", "UMBRA_SHADOW", "spawn",
        "UMBRA_PORT", "9", "PATH", "/bin", "OMP_NUM_THREADS", "2"));

    SpawnCommand.environment(env, Optional.of("tok"));

    assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of(
        "PATH", "/bin", "OMP_NUM_THREADS", "2", "UMBRA_TOKEN", "tok"));
  }
}
