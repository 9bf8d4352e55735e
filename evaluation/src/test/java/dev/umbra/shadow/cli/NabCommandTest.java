package dev.umbra.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code umbra nab} on small corpora in NAB's layout that the test writes itself. */
class NabCommandTest {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final LocalDateTime T0 = LocalDateTime.of(2015, 3, 1, 0, 0);

  @TempDir Path tmp;
  private Path nab;
  private Path out;
  private final StringWriter stdout = new StringWriter();
  private final StringWriter stderr = new StringWriter();

  private int run(String... args) {
    CommandLine cli = UmbraCli.commandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    return cli.execute(args);
  }

  private static String at(int row) {
    return TIME.format(T0.plusMinutes(5L * row));
  }

  /** Level 50 with uniform noise of ±2 and a jump to 200 at {@code spikeRow}; {@code rows} rows. */
  private static void writeData(Path csv, int rows, int spikeRow, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("timestamp,value\n");
    for (int i = 0; i < rows; i++) {
      double v = i == spikeRow ? 200 : 48 + 4 * r.nextDouble();
      sb.append(at(i)).append(',').append(String.format(java.util.Locale.ROOT, "%.3f", v)).append('\n');
    }
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, sb);
  }

  @BeforeEach
  void corpus() throws IOException {
    nab = tmp.resolve("nab");
    out = tmp.resolve("results");
    writeData(nab.resolve("data/artificialWithAnomaly/spike.csv"), 1000, 600, 1);
    writeData(nab.resolve("data/realKnownCause/calm.csv"), 800, -1, 2);
    Files.createDirectories(nab.resolve("labels"));
    Files.writeString(nab.resolve("labels/combined_windows.json"), """
        {
          "artificialWithAnomaly/spike.csv": [["%s.000000", "%s.000000"]],
          "realKnownCause/calm.csv": [],
          "realKnownCause/not_in_this_subset.csv": [["2015-03-01 00:00:00.000000", "2015-03-02 00:00:00.000000"]]
        }
        """.formatted(at(580), at(640)));
  }

  @Test
  void writesOneResultsFilePerDataFile_inNabsLayout_andPrintsScores() throws IOException {
    assertThat(run("nab", nab.toString(), "--out", out.toString())).as(stderr.toString()).isZero();
    for (String detector : List.of("umbra", "windowedGaussian")) {
      Path spike = out.resolve(detector + "/artificialWithAnomaly/" + detector + "_spike.csv");
      Path calm = out.resolve(detector + "/realKnownCause/" + detector + "_calm.csv");
      List<String> lines = Files.readAllLines(spike);
      assertThat(lines).hasSize(1001);
      assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score");
      assertThat(lines.get(601)).startsWith(at(600) + ",200,");
      assertThat(Files.readAllLines(calm)).hasSize(801);
    }
    List<String> umbra = Files.readAllLines(out.resolve("umbra/artificialWithAnomaly/umbra_spike.csv"));
    // the spike lies beyond everything seen before: reported on its own row
    assertThat(Double.parseDouble(umbra.get(601).split(",")[2])).isEqualTo(1.0);
    assertThat(stdout.toString())
        .contains("NAB: 2 files in 2 categories, 1 windows")
        .contains("umbra             standard")
        .contains("windowedGaussian  reward_low_FN_rate");
    List<String> scores = Files.readAllLines(out.resolve("scores.csv"));
    assertThat(scores.get(0)).isEqualTo("detector,profile,category,threshold,score,raw,null,perfect");
    String standard = scores.stream().filter(l -> l.startsWith("umbra,standard,ALL,")).findFirst().orElseThrow();
    // the spike is found 21 of 61 rows into its window: σ(−40/61)/σ(−1) ≈ 0.93 of a perfect score
    assertThat(Double.parseDouble(standard.split(",")[4])).isGreaterThan(50);
  }

  @Test
  void scoresEveryRow_ofAFileWithARepeatedABackwardAnEmptyAndATextValue_andSaysWhatWasOdd() throws IOException {
    Files.writeString(nab.resolve("data/realKnownCause/calm.csv"), """
        timestamp,value
        2015-03-01 00:00:00,1
        2015-03-01 00:05:00,2
        2015-03-01 00:05:00,3
        2015-03-01 00:02:00,4
        2015-03-01 00:10:00,
        2015-03-01 00:15:00,abc
        2015-03-01 00:20:00,NaN
        yesterday,5
        2015-03-01 00:25:00,6
        """);

    assertThat(run("nab", nab.toString(), "--out", out.toString())).as(stderr.toString()).isZero();

    for (String detector : List.of("umbra", "windowedGaussian")) {
      List<String> rows = Files.readAllLines(out.resolve(detector + "/realKnownCause/" + detector + "_calm.csv"));
      assertThat(rows).hasSize(10);
      assertThat(rows.subList(1, 10)).extracting(r -> r.split(",")[0]).containsExactly(
          "2015-03-01 00:00:00", "2015-03-01 00:05:00", "2015-03-01 00:05:00", "2015-03-01 00:02:00",
          "2015-03-01 00:10:00", "2015-03-01 00:15:00", "2015-03-01 00:20:00", "yesterday", "2015-03-01 00:25:00");
      assertThat(rows.subList(1, 10)).allSatisfy(r -> assertThat(Double.parseDouble(r.split(",")[2])).isBetween(0.0, 1.0));
    }
    assertThat(stdout.toString().lines().filter(l -> l.startsWith("note: ")).toList()).containsExactly(
        "note: realKnownCause/calm.csv: 2 rows repeat or go back in time (first at line 4);"
            + " 1 timestamp is not yyyy-MM-dd HH:mm:ss (first at line 9);"
            + " 3 values are empty, not a number or not finite (first at line 6); every row scored in row order");
    assertThat(stderr.toString()).isEmpty();
  }

  @Nested
  class BadInput {
    private void assertFails(String expectedLine) {
      assertThat(run("nab", nab.toString(), "--out", out.toString())).isEqualTo(2);
      assertThat(stderr.toString().lines().toList()).hasSize(1);
      assertThat(stderr.toString()).startsWith("umbra: ").contains(expectedLine);
    }

    @Test
    void aMissingFolder() {
      nab = tmp.resolve("nope");
      assertFails("nope: no such folder");
    }

    @Test
    void aMissingLabelsFile() throws IOException {
      Files.delete(nab.resolve("labels/combined_windows.json"));
      assertFails("combined_windows.json: no such file");
    }

    @Test
    void aDataFileWithoutLabels() throws IOException {
      writeData(nab.resolve("data/realTweets/extra.csv"), 100, -1, 3);
      assertFails("no windows for realTweets/extra.csv");
    }

    @Test
    void wrongColumns() throws IOException {
      Files.writeString(nab.resolve("data/realKnownCause/calm.csv"), "time,value,label\n2015-03-01 00:00:00,1,0\n");
      assertFails("calm.csv: expected the header 'timestamp,value', found 'time,value,label'");
    }

    @Test
    void aRowWithThreeColumns() throws IOException {
      Files.writeString(nab.resolve("data/realKnownCause/calm.csv"), "timestamp,value\n2015-03-01 00:00:00,1,0\n");
      assertFails("calm.csv line 2: expected 2 columns (timestamp,value), found 3");
    }

    @Test
    void labelsThatAreNotJson() throws IOException {
      Files.writeString(nab.resolve("labels/combined_windows.json"), "{ not json");
      assertFails("combined_windows.json: not valid JSON");
    }
  }
}
