package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import picocli.CommandLine;

/**
 * {@code umbra nab} over the real NAB subset, where the machine has it ({@code -Dumbra.nab.dir},
 * else {@code shared/data/nab} in a folder above the working one; skipped when there is none):
 * every data file gets its results file in NAB's layout, row for row, for both detectors, and the
 * scores of the three profiles are printed and kept in {@code target/nab/} (docs/anomalies.md,
 * "NAB", says where its numbers come from). It is also a regression guard: Umbra's detector must
 * stay above floors set below its measured subset scores (76.9 standard, 68.4 reward-low-FP, 81.5
 * reward-low-FN, with the settings that also run live) and above the windowed Gaussian on every
 * profile.
 */
@EnabledIf(value = "corpusPresent", disabledReason = "no NAB subset here (shared/data/nab above the working folder, or -Dumbra.nab.dir)")
class NabCorpusTest {
  static Optional<Path> corpus() {
    String property = System.getProperty("umbra.nab.dir");
    if (property != null) {
      return Optional.of(Path.of(property)).filter(Files::isDirectory);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared/data/nab");
      if (Files.isDirectory(candidate.resolve("data"))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static boolean corpusPresent() {
    return corpus().isPresent();
  }

  @Test
  void scoresEveryFileOfTheSubset_rowForRow() throws IOException {
    Path nab = corpus().orElseThrow();
    Path out = Path.of("target/nab");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cli = UmbraCli.commandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));

    int code = cli.execute("nab", nab.toString(), "--out", out.toString());
    System.out.println("NabCorpusTest: umbra nab " + nab + "\n" + stdout + stderr);

    assertThat(code).as(stderr.toString()).isZero();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(nab.resolve("data"))) {
      files = walk.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path data : files) {
      String category = data.getParent().getFileName().toString();
      long rows = lineCount(data);
      for (String detector : List.of("umbra", "windowedGaussian")) {
        Path result = out.resolve(detector).resolve(category).resolve(detector + "_" + data.getFileName());
        assertThat(lineCount(result)).as(result.toString()).isEqualTo(rows);
      }
    }
    assertThat(stdout.toString()).contains("standard").contains("reward_low_FP_rate").contains("reward_low_FN_rate");

    Map<String, Double> floors = Map.of("standard", 73.0, "reward_low_FP_rate", 64.5, "reward_low_FN_rate", 77.5);
    List<String> scores = Files.readAllLines(out.resolve("scores.csv"));
    for (Map.Entry<String, Double> floor : floors.entrySet()) {
      double umbra = corpusScore(scores, "umbra", floor.getKey());
      assertThat(umbra).as("umbra " + floor.getKey()).isGreaterThanOrEqualTo(floor.getValue())
          .isGreaterThan(corpusScore(scores, "windowedGaussian", floor.getKey()));
    }
  }

  /** The normalised score of a detector and profile over the whole subset, from scores.csv. */
  private static double corpusScore(List<String> scoresCsv, String detector, String profile) {
    String prefix = detector + "," + profile + ",ALL,";
    return scoresCsv.stream().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.split(",")[4]))
        .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in scores.csv"));
  }

  private static long lineCount(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file)) {
      return lines.count();
    }
  }
}
