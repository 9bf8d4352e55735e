package dev.umbra.shadow.anomaly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays series recorded by AnomalyFaultIT ({@code target/anomaly-fault-it/*.csv}: {@code
 * second,series...}) through the shadow's scoring, exactly as {@link AnomalyDetection} runs it,
 * and prints each anomaly; with the run's {@code faults.csv}, times are also given relative to
 * the faults. A tool for looking at the detector on real data, not a test:
 * {@code java -cp ... dev.umbra.shadow.anomaly.FaultReplay faulty.csv faults.csv}.
 */
public final class FaultReplay {
  private FaultReplay() {}

  record Replayed(long second, Incident incident) {}

  /** One recorded second: the values of the series that have one. */
  record Recorded(long second, Map<String, Double> values) {}

  /** The seconds of a recording ({@code second,series...}; an empty cell is a series without a value). */
  static List<Recorded> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    String[] header = lines.get(0).split(",", -1);
    List<Recorded> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, Double> values = new LinkedHashMap<>();
      for (int i = 1; i < cells.length; i++) {
        if (!cells[i].isEmpty()) {
          values.put(header[i], Double.parseDouble(cells[i]));
        }
      }
      out.add(new Recorded(Long.parseLong(cells[0]), values));
    }
    return out;
  }

  /** Every incident the shadow would have opened on the recorded series, each as it ended up. */
  static List<Replayed> replay(Path csv) throws IOException {
    PrimaryScoring scoring = new PrimaryScoring(DetectorSettings.DEFAULT);
    List<Replayed> out = new ArrayList<>();
    for (Recorded r : read(csv)) {
      long second = r.second();
      scoring.observe(second, r.values()).ifPresent(step -> {
        step.started().ifPresent(incident -> out.add(new Replayed(second, incident)));
        // an incident that gained series or a trend as its lead: keep its newest version
        step.grown().ifPresent(incident -> out.replaceAll(x -> x.incident().number() == incident.number()
            ? new Replayed(x.second(), incident) : x));
      });
    }
    return out;
  }

  public static void main(String[] args) throws IOException {
    List<long[]> faults = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (args.length > 1) {
      for (String line : Files.readAllLines(Path.of(args[1])).subList(1, Files.readAllLines(Path.of(args[1])).size())) {
        String[] c = line.split(",");
        names.add(c[0]);
        faults.add(new long[] {Long.parseLong(c[1]), Long.parseLong(c[2])});
      }
    }
    long first = Long.parseLong(Files.readAllLines(Path.of(args[0])).get(1).split(",")[0]);
    for (Replayed r : replay(Path.of(args[0]))) {
      SeriesAlarm lead = r.incident().lead();
      String near = "";
      for (int i = 0; i < faults.size(); i++) {
        double rel = (lead.decidedStep() * 1000 + 1000 - faults.get(i)[0]) / 1000.0;
        if (rel > -30 && rel < 60) {
          near = String.format(Locale.ROOT, "  [%s %+.1f s, onset %+.1f s]", names.get(i), rel,
              (lead.onsetStep() * 1000 - faults.get(i)[0]) / 1000.0);
        }
      }
      System.out.printf(Locale.ROOT, "t=%4d %-11s %-16s related=%s score %.2f %s%s%n", lead.decidedStep() - first,
          lead.kind(), lead.series(), r.incident().related(), lead.score(), lead.explanation(), near);
    }
  }
}
