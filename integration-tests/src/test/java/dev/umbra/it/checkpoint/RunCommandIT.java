package dev.umbra.it.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code umbra run} as a process: exit codes, signals, cgroup limits, and nothing left behind. */
class RunCommandIT {
  @TempDir Path work;
  private UmbraRun run;

  @AfterEach
  void tearDown() throws Exception {
    if (run != null) {
      System.out.println("--- output of umbra run ---\n" + run.process.output());
      run.close();
    }
  }

  private static long primaryPid(String output) {
    Matcher m = Pattern.compile("primary pid (\\d+) started").matcher(output);
    if (!m.find()) {
      throw new AssertionError("no primary pid in:\n" + output);
    }
    return Long.parseLong(m.group(1));
  }

  @Test
  void exitsWithThePrimarysExitCode_andRemovesItsCgroup() throws Exception {
    run = UmbraRun.start(work, List.of("--cpu", "1", "--memory", "256m"),
        UmbraRun.primary(List.of("-Xmx64m"), "dev.umbra.it.primaries.Sleeper", "7", "3"));
    run.process.awaitOutput("sleeper ready", Duration.ofSeconds(120));
    String started = run.process.output();
    long pid = primaryPid(started);
    Matcher cgroup = Pattern.compile("started in (\\S+)").matcher(started);
    assertThat(cgroup.find()).as("the primary runs in a cgroup of its own").isTrue();
    String procCgroup = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
    assertThat(procCgroup).contains("umbra-run-");

    int code = run.process.awaitExit(Duration.ofMinutes(2));

    assertThat(code).isEqualTo(7);
    assertThat(run.process.output()).contains("sleeper exiting with 7").contains("exited with code 7");
    assertThat(ProcessHandle.of(pid)).isEmpty();
    String leaf = procCgroup.lines().filter(l -> l.contains("umbra-run-")).findFirst().orElseThrow();
    String path = leaf.substring(leaf.indexOf(':', leaf.indexOf(':') + 1) + 1);
    String controller = leaf.split(":")[1].split(",")[0];
    Path dir = controller.isEmpty() ? Path.of("/sys/fs/cgroup", path) : Path.of("/sys/fs/cgroup", controller, path);
    assertThat(dir).as("cgroup removed").doesNotExist();
  }

  @Test
  void forwardsSigtermToThePrimary_andExitsWithWhatItReturns() throws Exception {
    run = UmbraRun.start(work, List.of(), UmbraRun.primary(List.of("-Xmx64m"), "dev.umbra.it.primaries.Sleeper", "0", "300"));
    run.process.awaitOutput("sleeper ready", Duration.ofSeconds(120));
    long pid = primaryPid(run.process.output());

    run.process.process().destroy(); // SIGTERM to umbra run only

    int code = run.process.awaitExit(Duration.ofMinutes(1));
    assertThat(run.process.output()).contains("forwarding SIGTERM to the primary").contains("sleeper stopping");
    assertThat(code).isEqualTo(143); // the primary's: 128 + SIGTERM
    assertThat(ProcessHandle.of(pid)).isEmpty();
  }

  @Test
  void refusesACommandThatIsNotJava_withUsageExitCode() throws Exception {
    run = UmbraRun.start(work, List.of(), List.of("python3", "app.py"));
    assertThat(run.process.awaitExit(Duration.ofMinutes(1))).isEqualTo(2);
    assertThat(run.process.output()).contains("umbra: the primary's command must start with a java executable");
  }
}
