package dev.umbra.shadow.anomaly.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * NAB's scoring rules. A threshold turns scores into detections (score ≥ threshold). Rows in the
 * probationary period are ignored. Inside a window only the earliest detection counts, worth
 * tpWeight·σ(y)/σ(−1) with y = −(right − i + 1)/width; a window without one costs −fnWeight.
 * A detection outside every window is worth fpWeight·σ(y) with y = (i − right end of the
 * preceding window)/(its width − 1), and −fpWeight when no window precedes it or y &gt; 3.
 * σ(y) = 2/(1+e^{5y}) − 1. One threshold per profile is chosen for the whole corpus by sweeping
 * every distinct score; the raw score is normalised as 100·(S − S_null)/(S_perfect − S_null).
 */
public final class NabScorer {
  private NabScorer() {}

  /** σ(y), NAB's scaled sigmoid, −1 beyond y = 3. */
  static double sigmoid(double y) {
    if (y > 3.0) {
      return -1.0;
    }
    return 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
  }

  /** One file's rows, each with what it would be worth as a detection under one profile. */
  static final class Scored {
    final double[] scores;
    /** Index of the window each row lies in, -1 outside. */
    final int[] window;
    /** What a detection at each row is worth. */
    final double[] worth;
    final int probation;
    /** Windows with at least one row after probation: each costs −fnWeight when missed. */
    final boolean[] counted;
    /** First row of each window. */
    final int[] windowStart;

    Scored(NabFile file, double[] scores, NabProfile p) {
      if (scores.length != file.rows()) {
        throw new IllegalArgumentException(file.key() + ": " + scores.length + " scores for " + file.rows() + " rows");
      }
      this.scores = scores;
      int n = file.rows();
      this.probation = file.probation();
      this.window = new int[n];
      Arrays.fill(window, -1);
      List<NabFile.Window> ws = file.windows();
      this.counted = new boolean[ws.size()];
      this.windowStart = new int[ws.size()];
      int[] right = new int[ws.size()];
      int[] width = new int[ws.size()];
      Arrays.fill(windowStart, -1);
      // NAB's row semantics (its sweeper): rows are visited in row order; the next window opens at
      // the row whose time equals its start, its right edge is the first row whose time equals its
      // end, and it closes after a row whose time equals its end. With times that repeat or go back
      // (daylight-saving changes, duplicated rows) this differs from "every row whose time lies in
      // [start, end]", and it is what NAB's own scorer counts.
      List<LocalDateTime> times = file.times();
      int[] closedAt = new int[ws.size()];
      Arrays.fill(closedAt, -1);
      int next = 0;
      int open = -1;
      for (int i = 0; i < n; i++) {
        LocalDateTime t = times.get(i);
        if (next < ws.size() && t.equals(ws.get(next).start())) {
          open = next++;
          windowStart[open] = i;
          right[open] = Math.max(times.indexOf(ws.get(open).end()), 0);
          width[open] = right[open] - times.indexOf(t) + 1;
        }
        if (open >= 0) {
          window[i] = open;
          counted[open] |= i >= probation;
          if (t.equals(ws.get(open).end())) {
            closedAt[open] = i;
            open = -1;
          }
        }
      }
      this.worth = new double[n];
      double tpNorm = sigmoid(-1.0);
      int prev = -1;
      for (int i = 0; i < n; i++) {
        int w = window[i];
        if (w >= 0) {
          double y = -(right[w] - i + 1) / (double) width[w];
          worth[i] = p.tpWeight() * sigmoid(y) / tpNorm;
          if (i == closedAt[w]) {
            prev = w;
          }
        } else if (prev < 0) {
          worth[i] = -p.fpWeight();
        } else {
          double y = width[prev] <= 1 ? Double.POSITIVE_INFINITY
              : Math.abs(i - closedAt[prev]) / (double) (width[prev] - 1);
          worth[i] = p.fpWeight() * sigmoid(y);
        }
      }
    }

    /** The score of this file at one threshold. */
    double at(double threshold, NabProfile p) {
      double total = 0;
      double[] best = new double[counted.length];
      boolean[] hit = new boolean[counted.length];
      for (int i = probation; i < scores.length; i++) {
        if (scores[i] < threshold) {
          continue;
        }
        int w = window[i];
        if (w < 0) {
          total += worth[i];
        } else if (!hit[w]) {
          hit[w] = true;
          best[w] = worth[i];
        }
      }
      for (int w = 0; w < counted.length; w++) {
        if (counted[w]) {
          total += hit[w] ? best[w] : -p.fnWeight();
        }
      }
      return total;
    }
  }

  /** Score of one threshold over a set of files. */
  public record Result(String profile, double threshold, double raw, double nullScore, double perfect, double normalized) {}

  /** The best threshold for {@code scoresByFile} over the files, and the normalised score at it. */
  public static Result sweep(List<NabFile> files, List<double[]> scoresByFile, NabProfile p) {
    List<Scored> scored = scored(files, scoresByFile, p);
    TreeSet<Double> candidates = new TreeSet<>(Comparator.reverseOrder());
    for (Scored s : scored) {
      for (int i = s.probation; i < s.scores.length; i++) {
        candidates.add(s.scores[i]);
      }
    }
    double bestThreshold = Double.POSITIVE_INFINITY;
    double bestRaw = total(scored, bestThreshold, p);
    double[] totals = sweepTotals(scored, candidates, p);
    int k = 0;
    for (double c : candidates) {
      if (totals[k] > bestRaw) {
        bestRaw = totals[k];
        bestThreshold = c;
      }
      k++;
    }
    return at(files, scoresByFile, p, bestThreshold);
  }

  /** The normalised score of one threshold over a set of files. */
  public static Result at(List<NabFile> files, List<double[]> scoresByFile, NabProfile p, double threshold) {
    List<Scored> scored = scored(files, scoresByFile, p);
    double raw = total(scored, threshold, p);
    double nullScore = 0;
    double perfect = 0;
    for (Scored s : scored) {
      for (int w = 0; w < s.counted.length; w++) {
        if (s.counted[w]) {
          nullScore -= p.fnWeight();
          int first = Math.max(s.windowStart[w], s.probation);
          perfect += s.worth[first];
        }
      }
    }
    double normalized = perfect == nullScore ? 0 : 100 * (raw - nullScore) / (perfect - nullScore);
    return new Result(p.name(), threshold, raw, nullScore, perfect, normalized);
  }

  private static List<Scored> scored(List<NabFile> files, List<double[]> scoresByFile, NabProfile p) {
    if (files.size() != scoresByFile.size()) {
      throw new IllegalArgumentException(files.size() + " files but " + scoresByFile.size() + " score lists");
    }
    List<Scored> out = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      out.add(new Scored(files.get(f), scoresByFile.get(f), p));
    }
    return out;
  }

  private static double total(List<Scored> scored, double threshold, NabProfile p) {
    double t = 0;
    for (Scored s : scored) {
      t += s.at(threshold, p);
    }
    return t;
  }

  /**
   * The corpus score at every candidate threshold (descending), in one pass per file: rows
   * sorted by score become detections one threshold at a time; inside a window the earliest
   * detection (the highest worth, since worth falls along a window) replaces the miss.
   */
  private static double[] sweepTotals(List<Scored> scored, TreeSet<Double> candidates, NabProfile p) {
    double[] totals = new double[candidates.size()];
    double[] cand = candidates.stream().mapToDouble(Double::doubleValue).toArray();
    for (Scored s : scored) {
      Integer[] order = new Integer[s.scores.length - s.probation];
      for (int i = 0; i < order.length; i++) {
        order[i] = s.probation + i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(s.scores[b], s.scores[a]));
      double total = 0;
      double[] best = new double[s.counted.length];
      for (int w = 0; w < s.counted.length; w++) {
        best[w] = s.counted[w] ? -p.fnWeight() : 0;
        total += best[w];
      }
      boolean[] hit = new boolean[s.counted.length];
      int k = 0;
      for (int c = 0; c < cand.length; c++) {
        while (k < order.length && s.scores[order[k]] >= cand[c]) {
          int i = order[k++];
          int w = s.window[i];
          if (w < 0) {
            total += s.worth[i];
          } else if (!hit[w] || s.worth[i] > best[w]) {
            hit[w] = true;
            total += s.worth[i] - best[w];
            best[w] = s.worth[i];
          }
        }
        totals[c] += total;
      }
    }
    return totals;
  }

  /** Results per category at one threshold, in category order. */
  public static Map<String, Result> byCategory(List<NabFile> files, List<double[]> scores, NabProfile p, double threshold) {
    Map<String, List<Integer>> indexes = new TreeMap<>();
    for (int f = 0; f < files.size(); f++) {
      indexes.computeIfAbsent(files.get(f).category(), c -> new ArrayList<>()).add(f);
    }
    Map<String, Result> out = new LinkedHashMap<>();
    indexes.forEach((category, idx) -> out.put(category, at(
        idx.stream().map(files::get).toList(), idx.stream().map(scores::get).toList(), p, threshold)));
    return out;
  }
}
