package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.supervisor.PrimaryCgroup;
import dev.umbra.shadow.supervisor.PrimaryCommand;
import dev.umbra.shadow.supervisor.Supervisor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupervisedRunTest {
  /** A start that fails after the cgroup was made removes it again, whatever failed. */
  @Nested
  class FailedStart {
    @TempDir Path dir;
    private final Supervisor.Options primary =
        new Supervisor.Options(new PrimaryCommand(List.of("java", "-version")), "auto", Optional.empty());

    private SupervisedRun.Settings settings(Path data, int port) {
      return new SupervisedRun.Settings(data, port, new SupervisedRun.Limits("test", Optional.empty(), Optional.empty(), false),
          new SupervisedRun.Checkpointing("auto", Optional.empty(), Duration.ofSeconds(30)),
          new SupervisedRun.Rollback(Optional.empty()), ShadowConfig.Manage.off());
    }

    private PrimaryCgroup cgroup() {
      try {
        return PrimaryCgroup.create("test-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
            Optional.empty(), Optional.empty());
      } catch (AllocatorException e) {
        assumeTrue(false, "cgroups cannot be made here: " + e.getMessage());
        throw new AssertionError(e);
      }
    }

    @Test
    void removesTheCgroup_whenTheSettingsAreBad() {
      PrimaryCgroup cgroup = cgroup();

      assertThatThrownBy(() -> SupervisedRun.start(settings(dir, 99_999), cgroup, primary, Path.of("agent.jar"), "",
          message -> { }, Clock.systemUTC())).hasMessageContaining("99999");

      assertThat(cgroup.exists()).isFalse();
    }

    @Test
    void removesTheCgroup_whenTheShadowCannotStart() throws Exception {
      Path notAFolder = Files.writeString(dir.resolve("data"), "a file where the data folder should be");
      PrimaryCgroup cgroup = cgroup();

      assertThatThrownBy(() -> SupervisedRun.start(settings(notAFolder, 0), cgroup, primary, Path.of("agent.jar"), "",
          message -> { }, Clock.systemUTC())).hasMessageContaining(notAFolder.toString());

      assertThat(cgroup.exists()).isFalse();
    }
  }
}
