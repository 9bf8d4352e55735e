package dev.umbra.shadow.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrimaryCommandTest {
  private final PrimaryCommand app = new PrimaryCommand(List.of("/opt/jdk/bin/java", "-Xmx1g", "-jar", "app.jar", "--port", "80"));

  @Test
  void injectsTheAgentRightAfterJava_beforeTheApplicationsOptions() {
    assertThat(app.withAgent(Path.of("/u/umbra-agent.jar"), "shadow=127.0.0.1:7070").argv()).containsExactly(
        "/opt/jdk/bin/java", "-javaagent:/u/umbra-agent.jar=shadow=127.0.0.1:7070", "-Xmx1g", "-jar", "app.jar", "--port", "80");
  }

  @Test
  void findsJcmdBesideJava_orOnThePath() {
    assertThat(app.jcmd()).isEqualTo("/opt/jdk/bin/jcmd");
    assertThat(new PrimaryCommand(List.of("java", "Main")).jcmd()).isEqualTo("jcmd");
  }

  @Test
  void refusesACommandThatIsNotJava() {
    assertThatThrownBy(() -> new PrimaryCommand(List.of("python3", "app.py"))).hasMessageContaining("java executable");
    assertThatThrownBy(() -> new PrimaryCommand(List.of())).hasMessageContaining("empty");
  }

  @Test
  void entersItsCgroupsBeforeExecutingJava_keepingItsPid() {
    List<String> wrapped = app.inCgroups(List.of(Path.of("/sys/fs/cgroup/cpu/umbra-run-1/cgroup.procs"),
        Path.of("/sys/fs/cgroup/memory/umbra-run-1/cgroup.procs")));

    assertThat(wrapped.subList(0, 2)).containsExactly("/bin/sh", "-c");
    assertThat(wrapped.get(2)).isEqualTo("echo $$ > '/sys/fs/cgroup/cpu/umbra-run-1/cgroup.procs' || exit 125; "
        + "echo $$ > '/sys/fs/cgroup/memory/umbra-run-1/cgroup.procs' || exit 125; exec \"$@\"");
    assertThat(wrapped.subList(4, wrapped.size())).isEqualTo(app.argv());
    assertThat(app.inCgroups(List.of())).isEqualTo(app.argv());
  }
}
