package dev.umbra.it.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.it.support.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code umbra demo} as the launcher does ({@code umbra-shadow.jar} and
 * {@code umbra-evaluation.jar} on the class path) and checks the facts its summary
 * states against what it printed along the way: forecasts issued, a scale-up decided before the
 * usage reached the old limit with the manager's probability gate at its default (P(demand &gt;
 * limit) printed for each), the injected fault detected after its injection and rolled back,
 * the ledger's final digest equal to the fault-free run's; and, from /proc and /sys/fs/cgroup
 * rather than from the demo, that no primary process and no {@code umbra-demo-*} cgroup is left.
 */
class DemoIT {
  /** Long enough for a 30 s warm-up, the phases, the fault and its rollback; short for CI. */
  static final String DURATION = "100s";
  private static final Pattern PRIMARY_PID = Pattern.compile("primary pid (\\d+) started");

  @TempDir Path work;
  private JavaProcess demo;

  @AfterEach
  void tearDown() throws Exception {
    if (demo != null) {
      System.out.println("--- output of umbra demo ---\n" + demo.output());
      demo.close();
    }
  }

  private JavaProcess start(String duration) throws IOException {
    return JavaProcess.start("umbra-demo", JavaProcess.java17Home(),
        List.of("-Xmx1g", "-cp", JavaProcess.shadowJar() + java.io.File.pathSeparator + JavaProcess.evaluationJar(),
            "dev.umbra.shadow.cli.UmbraCli", "demo",
            "--agent-jar", JavaProcess.agentJar().toString(), "--duration", duration),
        Map.of("OMP_NUM_THREADS", "1"), work);
  }

  @Test
  void demoEndsWithASummaryWhoseFactsHold_andLeavesNothingBehind() throws Exception {
    demo = start(DURATION);
    int code = demo.awaitExit(Duration.ofMinutes(8));
    String out = demo.output();

    Matcher forecasts = find(out, "^summary: forecasts: (\\d+) issued");
    assertThat(Integer.parseInt(forecasts.group(1))).as("forecasts issued").isPositive();

    Matcher provisioned = find(out, "^summary: pre-provisioned: (\\d+) of (\\d+) scale-ups ahead of demand");
    assertThat(Integer.parseInt(provisioned.group(1))).as("scale-ups ahead of demand").isPositive();
    Matcher ahead = find(out, "^summary: ahead: (cpu|memory) .*, P\\(demand > limit\\) = (\\d\\.\\d\\d) \\(([^)]*)\\), "
        + "at (\\d+) s, usage then .* \\((\\d+)% of the old limit\\); usage reached the old limit at (\\d+) s, (\\d+) s later$");
    // the manager's gate at its default (0.1): a scale-up ahead of demand passed it by its probability
    // or by a known JVM need above the limit, never by a gate set to 0
    assertThat(out).contains("up when P(demand > limit) >= 0.1,");
    assertThat(ahead.group(3)).isIn("through the gate", "below the JVM's need");
    if (ahead.group(3).equals("through the gate")) {
      assertThat(Double.parseDouble(ahead.group(2))).isGreaterThanOrEqualTo(0.1);
    }
    assertThat(Integer.parseInt(ahead.group(5))).as("usage share when decided").isLessThan(95);
    assertThat(Integer.parseInt(ahead.group(6))).as("usage reached the old limit after the decision")
        .isGreaterThanOrEqualTo(Integer.parseInt(ahead.group(4)));
    assertThat(out).as("the decision was printed as it happened").containsPattern("(?m)^  >> +\\d+s provision +" + ahead.group(1) + " ");

    Matcher fault = find(out, "^summary: fault: injected at (\\d+) s; detected at (\\d+) s");
    assertThat(Integer.parseInt(fault.group(2))).isGreaterThanOrEqualTo(Integer.parseInt(fault.group(1)));
    assertThat(out).containsPattern("(?m)^  >> +\\d+s fault +fault injected at step \\d+$");
    assertThat(out).containsPattern("(?m)^  >> +\\d+s anomaly +.*threads\\.(live|blocked).* -> rollback$");

    find(out, "^summary: rolled back: yes, the app engine restored the ledger at \\d+ s \\(checkpoint ck-\\S+ in place\\)$");
    assertThat(out).containsPattern("(?m)^  >> +\\d+s primary +restored at step \\d+$");

    Matcher result = find(out, "^  >> +\\d+s primary +result (\\w+) expected (\\w+) steps \\d+$");
    assertThat(result.group(1)).as("the ledger's digest, computed by the primary").isEqualTo(result.group(2));
    find(out, "^summary: final state: correct: ledger digest " + result.group(1) + " equals the fault-free run's$");

    find(out, "^summary: cleanup: primary exited with code 0; cgroup removed: .*; no process left$");
    find(out, "^summary: verdict: PASS");
    assertThat(code).isZero();
    assertNothingLeft(out);
  }

  @Test
  void sigintEndsTheDemoCleanly_withAPartialSummary() throws Exception {
    demo = start("2m");
    // as soon as the primary runs (its agent may take long to connect on a busy machine)
    demo.awaitOutput("^  >> +\\d+s primary +waiting for the agent to connect$", Duration.ofMinutes(2));
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();

    int code = demo.awaitExit(Duration.ofSeconds(60));
    String out = demo.output();
    assertThat(code).isEqualTo(130);
    find(out, "^summary: cleanup: primary exited with code \\d+; (cgroup removed: .*|no cgroup was made); no process left$");
    find(out, "^summary: verdict: INTERRUPTED by SIGINT$");
    assertNothingLeft(out);
  }

  private void assertNothingLeft(String out) throws IOException {
    Matcher pids = Pattern.compile(PRIMARY_PID.pattern()).matcher(out);
    List<Long> seen = new ArrayList<>();
    while (pids.find()) {
      seen.add(Long.parseLong(pids.group(1)));
    }
    assertThat(seen).as("primary processes started").isNotEmpty();
    for (long pid : seen) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("primary pid " + pid + " alive").isFalse();
    }
    assertThat(demoCgroups()).as("umbra-demo-" + demo.pid() + " cgroups left").isEmpty();
  }

  /** Folders named umbra-demo-<the demo's pid> anywhere in the first levels of /sys/fs/cgroup. */
  private List<Path> demoCgroups() throws IOException {
    Path root = Path.of("/sys/fs/cgroup");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    String name = "umbra-demo-" + demo.pid();
    try (Stream<Path> found = Files.find(root, 5, (p, a) -> a.isDirectory() && p.getFileName().toString().equals(name))) {
      return found.toList();
    }
  }

  private static Matcher find(String out, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(out);
    assertThat(m.find()).as("a line matching /" + regex + "/ in the output").isTrue();
    return m;
  }
}
