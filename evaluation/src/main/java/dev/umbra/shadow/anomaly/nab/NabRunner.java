package dev.umbra.shadow.anomaly.nab;

import dev.umbra.shadow.anomaly.SurpriseDetector;
import dev.umbra.shadow.anomaly.SurpriseSettings;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Locale;

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
   * Umbra's detector of a single series ({@link SurpriseDetector} with {@link
   * SurpriseSettings#DEFAULT}, the one parameter set for every file), one step per row in row
   * order, with the row's hour of the day as written (none for a timestamp that is not a time);
   * a missing value scores 0.
   */
  public static double[] umbra(NabFile file) {
    SurpriseDetector detector = new SurpriseDetector(SurpriseSettings.DEFAULT);
    double[] values = file.values();
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      LocalDateTime at = file.times().get(i);
      out[i] = detector.observe(values[i], at.equals(LocalDateTime.MIN) ? -1 : at.getHour());
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
