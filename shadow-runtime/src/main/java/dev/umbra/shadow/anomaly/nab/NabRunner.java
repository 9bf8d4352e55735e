package dev.umbra.shadow.anomaly.nab;

import dev.umbra.shadow.anomaly.AnomalyDetection;
import dev.umbra.shadow.anomaly.DetectorSettings;
import dev.umbra.shadow.anomaly.PrimaryDetector;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Runs detectors over NAB files and writes NAB's results layout: {@code
 * <out>/<detector>/<category>/<detector>_<file>.csv} with {@code timestamp,value,anomaly_score},
 * one row per input row.
 */
public final class NabRunner {
  public static final String UMBRA = "umbra";
  public static final String WINDOWED_GAUSSIAN = "windowedGaussian";

  private NabRunner() {}

  /**
   * The shadow's detector, exactly as the shadow runs it ({@link
   * AnomalyDetection#newPrimaryDetector} with {@link DetectorSettings#DEFAULT}), one step per row:
   * a row's score is the score of the anomaly the shadow would report at that row, 0 where it
   * would report none (while an incident is open, and below the adaptive threshold).
   */
  public static double[] umbra(NabFile file) {
    PrimaryDetector detector = AnomalyDetection.newPrimaryDetector(DetectorSettings.DEFAULT);
    double[] out = new double[file.rows()];
    double[] values = file.values();
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        continue; // a missing value: scored 0, not learnt
      }
      PrimaryDetector.Step step = detector.observe(i, Map.of("value", values[i]));
      out[i] = step.started().map(incident -> incident.lead().score()).orElse(0.0);
    }
    return out;
  }

  public static double[] windowedGaussian(NabFile file) {
    return WindowedGaussian.scores(file.values());
  }

  /** Writes one results file; returns its path. */
  public static Path write(Path out, String detector, NabFile file, double[] scores) throws NabException {
    Path dir = out.resolve(detector).resolve(file.category());
    Path csv = dir.resolve(detector + "_" + file.name());
    try {
      Files.createDirectories(dir);
      try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
        w.write("timestamp,value,anomaly_score\n");
        for (int i = 0; i < file.rows(); i++) {
          w.write(file.timestamps().get(i));
          w.write(',');
          w.write(number(file.values()[i]));
          w.write(',');
          w.write(String.format(Locale.ROOT, "%.6f", scores[i]));
          w.write('\n');
        }
      }
    } catch (IOException e) {
      throw new NabException(csv + ": cannot write: " + e.getMessage());
    }
    return csv;
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
