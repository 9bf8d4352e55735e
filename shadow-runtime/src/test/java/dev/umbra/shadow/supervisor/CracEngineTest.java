package dev.umbra.shadow.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.shadow.checkpoint.CheckpointStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CracEngineTest {
  @TempDir Path data;
  private final PrimaryCommand command = new PrimaryCommand(List.of("/crac/bin/java", "-Xmx256m", "-cp", "app.jar", "Main"));

  private CracEngine engine() {
    return new CracEngine(data.resolve("crac"), new CheckpointStore(data.resolve("checkpoints"), 5), Clock.systemUTC());
  }

  @Nested
  class CommandLines {
    @Test
    void launchesWithTheCheckpointFolder_afterJava() {
      assertThat(engine().launch(command)).containsExactly(
          "/crac/bin/java", "-XX:CRaCCheckpointTo=" + data.resolve("crac/current"), "-Xmx256m", "-cp", "app.jar", "Main");
    }

    @Test
    void checkpointsWithTheSameJdksJcmd() {
      assertThat(CracEngine.checkpointCommand(command, 4242)).containsExactly("/crac/bin/jcmd", "4242", "JDK.checkpoint");
    }

    @Test
    void restoresWithJavaAndTheImageOnly() {
      assertThat(CracEngine.restoreCommand(command, data.resolve("crac/ck-1")))
          .containsExactly("/crac/bin/java", "-XX:CRaCRestoreFrom=" + data.resolve("crac/ck-1"));
    }
  }

  @Test
  void detectsThatThisJdkHasNoCrac() {
    // a real JVM: Temurin refuses -XX:CRaCCheckpointTo as an unrecognised option
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertThat(CracEngine.supported(java)).isFalse();
  }

  @Test
  void namesTheJavaThatLacksCrac() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertThat(Supervisor.missingFor("crac", new PrimaryCommand(List.of(java, "-version"))))
        .hasValueSatisfying(m -> assertThat(m).startsWith(java + " is not a CRaC JDK"));
    assertThat(Supervisor.missingFor("app", new PrimaryCommand(List.of("/no/such/java")))).isEmpty();
  }

  @Nested
  class RunningPrimary {
    private final List<Supervisor.Connected> connected = List.of(
        new Supervisor.Connected("h/900/1000", 900, 1000),
        new Supervisor.Connected("h/900/5000", 900, 5000),
        new Supervisor.Connected("h/77/3000", 77, 3000));

    @Test
    void isTheNewestRunWithTheLaunchedPid() {
      assertThat(Supervisor.running(connected, 900, () -> { throw new AssertionError("not needed"); }))
          .hasValue("h/900/5000");
    }

    @Test
    void isARestoredJvmUnderTheRestoreLauncher_whenNoneHasTheLaunchedPid() {
      assertThat(Supervisor.running(connected, 4242, () -> java.util.Set.of(4243L, 77L))).hasValue("h/77/3000");
    }

    @Test
    void isNone_whenNeitherTheLaunchedProcessNorItsDescendantsConnected() {
      assertThat(Supervisor.running(connected, 4242, () -> java.util.Set.of(4243L))).isEmpty();
    }
  }

  @Test
  void hasNoKnownGoodImageBeforeTheFirstCheckpoint() throws Exception {
    assertThat(engine().newestKnownGood("wl")).isEmpty();
  }

  @Test
  void keepsTheImagesOfKeptCheckpointsOnly() throws Exception {
    CheckpointStore store = new CheckpointStore(data.resolve("checkpoints"), 5);
    CracEngine engine = new CracEngine(data.resolve("crac"), store, Clock.systemUTC());
    store.begin("crac-2-1", "p1", "wl", "crac", java.time.Instant.ofEpochMilli(2)).commit();
    java.nio.file.Files.createDirectories(engine.image("crac-1-0").resolve("sub"));
    java.nio.file.Files.writeString(engine.image("crac-1-0").resolve("sub/core.img"), "x");
    java.nio.file.Files.createDirectories(engine.image("crac-2-1"));
    java.nio.file.Files.createDirectories(engine.current());

    engine.pruneImages("wl");

    assertThat(engine.image("crac-1-0")).doesNotExist();
    assertThat(engine.image("crac-2-1")).isDirectory();
    assertThat(engine.current()).isDirectory();
  }

  @Nested
  class Phases {
    @Test
    void aCheckpointOrRollbackReplacesTheProcess_andReturnsToRunning() {
      assertThat(Phase.STARTING.moveTo(Phase.RUNNING).moveTo(Phase.REPLACING).moveTo(Phase.RUNNING)).isEqualTo(Phase.RUNNING);
    }

    @Test
    void aSignalDuringAReplacementStopsIt_andNothingStartsAfterExit() {
      assertThat(Phase.REPLACING.moveTo(Phase.STOPPING).moveTo(Phase.EXITED)).isEqualTo(Phase.EXITED);
      assertThatThrownBy(() -> Phase.STOPPING.moveTo(Phase.RUNNING)).hasMessageContaining("stopping");
      assertThatThrownBy(() -> Phase.EXITED.moveTo(Phase.REPLACING)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cannotReplaceAPrimaryThatNeverStarted() {
      assertThatThrownBy(() -> Phase.STARTING.moveTo(Phase.REPLACING)).isInstanceOf(IllegalStateException.class);
    }
  }
}
