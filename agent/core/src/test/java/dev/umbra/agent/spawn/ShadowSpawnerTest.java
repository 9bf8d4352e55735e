package dev.umbra.agent.spawn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.config.SpawnSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the spawner decides before it would launch anything; real launches are in SpawnIT. */
class ShadowSpawnerTest {

  private static SpawnSettings settings(Optional<Path> home, Path data) {
    return new SpawnSettings(home, 64L << 20, 32L << 20, Optional.empty(), Optional.empty(),
        Duration.ofSeconds(5), Optional.of(data), 0);
  }

  @Test
  void givesUpForGood_whenNoShadowJarIsFound(@TempDir Path tmp) throws Exception {
    ShadowSpawner spawner = new ShadowSpawner(new ShadowAddress("127.0.0.1", 1), settings(Optional.of(tmp), tmp),
        Optional.empty(), Optional.empty(), Clock.systemUTC());

    spawner.shadowAbsent();
    spawner.awaitAttempt(Duration.ofSeconds(10));
    spawner.shadowAbsent();

    assertThat(spawner.disabled()).isTrue();
    assertThat(spawner.attempts()).isEqualTo(1);
    assertThat(spawner.launched()).isEmpty();
  }

  @Test
  void launchesNothing_whenSomethingAlreadyListens(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("umbra-shadow.jar"), "not a jar: never run");
    try (ServerSocket shadow = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ShadowSpawner spawner = new ShadowSpawner(new ShadowAddress("127.0.0.1", shadow.getLocalPort()),
          settings(Optional.of(tmp), tmp.resolve("data")), Optional.empty(), Optional.empty(), Clock.systemUTC());

      spawner.shadowAbsent();
      spawner.awaitAttempt(Duration.ofSeconds(10));

      assertThat(spawner.launched()).isEmpty();
      assertThat(spawner.disabled()).isFalse();
      assertThat(tmp.resolve("data/spawn-" + shadow.getLocalPort() + ".lock")).exists();
    }
  }

  @Test
  void triesAgainOnlyAfterThePause(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("umbra-shadow.jar"), "");
    try (ServerSocket shadow = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      dev.umbra.agent.testing.MutableClock clock = dev.umbra.agent.testing.MutableClock.at("2026-01-01T00:00:00Z");
      ShadowSpawner spawner = new ShadowSpawner(new ShadowAddress("127.0.0.1", shadow.getLocalPort()),
          settings(Optional.of(tmp), tmp.resolve("data")), Optional.empty(), Optional.empty(), clock);

      spawner.shadowAbsent();
      spawner.awaitAttempt(Duration.ofSeconds(10));
      spawner.shadowAbsent();
      assertThat(spawner.attempts()).isEqualTo(1);

      clock.advance(ShadowSpawner.RETRY_AFTER);
      spawner.shadowAbsent();
      spawner.awaitAttempt(Duration.ofSeconds(10));
      assertThat(spawner.attempts()).isEqualTo(2);
    }
  }
}
