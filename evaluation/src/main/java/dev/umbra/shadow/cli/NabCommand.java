package dev.umbra.shadow.cli;

import dev.umbra.shadow.anomaly.nab.NabCorpus;
import dev.umbra.shadow.anomaly.nab.NabException;
import dev.umbra.shadow.anomaly.nab.NabFile;
import dev.umbra.shadow.anomaly.nab.NabProfile;
import dev.umbra.shadow.anomaly.nab.NabRunner;
import dev.umbra.shadow.anomaly.nab.NabScorer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra nab}: run and score the detector on the Numenta Anomaly Benchmark. */
@Command(
    name = "nab",
    mixinStandardHelpOptions = true,
    description = "Run the shadow's anomaly detector and a windowed-Gaussian baseline over NAB data files"
        + " (NAB_DIR/data/<category>/<file>.csv, NAB_DIR/labels/combined_windows.json), write results in"
        + " NAB's layout and print NAB scores per profile and category.")
final class NabCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAB_DIR")
  Path nab;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Results folder (NAB layout).")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<NabFile> files;
    try {
      files = NabCorpus.read(nab);
    } catch (NabException e) {
      throw new UsageException(e.getMessage());
    }
    Map<String, Function<NabFile, double[]>> detectors = new LinkedHashMap<>();
    detectors.put(NabRunner.UMBRA, NabRunner::umbra);
    detectors.put(NabRunner.WINDOWED_GAUSSIAN, NabRunner::windowedGaussian);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "NAB: %d files in %d categories, %d windows%n", files.size(),
        files.stream().map(NabFile::category).distinct().count(), files.stream().mapToInt(f -> f.windows().size()).sum());
    for (NabFile f : files) {
      f.oddities().describe().ifPresent(odd -> o.printf(Locale.ROOT, "note: %s: %s%n", f.key(), odd));
    }
    List<String> summary = new ArrayList<>();
    summary.add("detector,profile,category,threshold,score,raw,null,perfect");
    for (Map.Entry<String, Function<NabFile, double[]>> d : detectors.entrySet()) {
      List<double[]> scores = new ArrayList<>();
      for (NabFile f : files) {
        double[] s = d.getValue().apply(f);
        try {
          NabRunner.write(out, d.getKey(), f, s);
        } catch (NabException e) {
          throw new UsageException(e.getMessage());
        }
        scores.add(s);
      }
      for (NabProfile p : NabProfile.all()) {
        NabScorer.Result r = NabScorer.sweep(files, scores, p);
        o.printf(Locale.ROOT, "%-17s %-19s %-24s %6.1f  (threshold %.4f, raw %.2f)%n", d.getKey(), p.name(), "ALL",
            r.normalized(), r.threshold(), r.raw());
        summary.add(csv(d.getKey(), p.name(), "ALL", r));
        for (Map.Entry<String, NabScorer.Result> c : NabScorer.byCategory(files, scores, p, r.threshold()).entrySet()) {
          o.printf(Locale.ROOT, "%-17s %-19s %-24s %6.1f%n", d.getKey(), p.name(), c.getKey(), c.getValue().normalized());
          summary.add(csv(d.getKey(), p.name(), c.getKey(), c.getValue()));
        }
      }
      o.flush();
    }
    Path scoresCsv = out.resolve("scores.csv");
    try (BufferedWriter w = Files.newBufferedWriter(scoresCsv)) {
      for (String line : summary) {
        w.write(line);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UsageException(scoresCsv + ": cannot write: " + e.getMessage());
    }
    o.println("results in " + out + ", scores in " + scoresCsv);
    o.flush();
    return 0;
  }

  private static String csv(String detector, String profile, String category, NabScorer.Result r) {
    return String.format(Locale.ROOT, "%s,%s,%s,%s,%.3f,%.4f,%.4f,%.4f", detector, profile, category,
        Double.isInfinite(r.threshold()) ? "none" : String.format(Locale.ROOT, "%.6f", r.threshold()),
        r.normalized(), r.raw(), r.nullScore(), r.perfect());
  }
}
