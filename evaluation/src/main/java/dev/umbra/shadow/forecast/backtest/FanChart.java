package dev.umbra.shadow.forecast.backtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link FanRecorder}'s last days as an SVG: the hourly peak forecast's 5–99 % and
 * 10–90 % bands and median, the actual 5-minute usage, and two limits as step lines.
 */
public final class FanChart {
  private static final int WIDTH = 1200;
  private static final int HEIGHT = 420;
  private static final int PAD = 50;

  private FanChart() {}

  /**
   * @param days how many of the last days to draw
   * @param limitRows rows whose limits to draw (e.g. "vpa", "selected@0.95")
   */
  public static void write(Path file, FanRecorder fan, int days, List<String> limitRows) throws IOException {
    List<FanRecorder.Hour> all = fan.hours();
    if (all.isEmpty()) {
      throw new IOException("no scored hours for VM " + fan.vm() + " " + fan.resource().key() + ": nothing to plot");
    }
    long end = all.get(all.size() - 1).startSec() + 3600;
    long start = end - days * 86400L;
    List<FanRecorder.Hour> hours = all.stream().filter(h -> h.startSec() >= start).toList();
    double max = 0;
    for (FanRecorder.Hour h : hours) {
      max = Math.max(max, h.peakQuantiles()[h.peakQuantiles().length - 1]);
      for (double v : h.usage()) {
        max = Math.max(max, v);
      }
      for (String row : limitRows) {
        Double l = h.limits().get(row);
        if (l != null) {
          max = Math.max(max, l);
        }
      }
    }
    Scale s = new Scale(start, end, max * 1.05);
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\">VM %s, %s (%s): hourly peak forecast of '%s' (bands 5-99%%, 10-90%%; median), actual usage, limits</text>%n",
        PAD, fan.vm(), fan.resource().key(), fan.resource().unit(), fan.modelName()));
    for (FanRecorder.Hour h : hours) {
      double x0 = s.x(h.startSec());
      double x1 = s.x(h.startSec() + 3600);
      double[] q = h.peakQuantiles();
      band(svg, x0, x1, s.y(q[0]), s.y(q[5]), "#c6dbef");
      band(svg, x0, x1, s.y(q[1]), s.y(q[3]), "#6baed6");
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#08519c\"/>%n", x0, s.y(q[2]), x1, s.y(q[2])));
    }
    String[] colours = {"#d62728", "#2ca02c", "#9467bd"};
    for (int r = 0; r < limitRows.size(); r++) {
      StringBuilder path = new StringBuilder();
      for (FanRecorder.Hour h : hours) {
        Double l = h.limits().get(limitRows.get(r));
        if (l != null) {
          path.append(String.format(Locale.ROOT, "M%.1f,%.1f H%.1f ", s.x(h.startSec()), s.y(l), s.x(h.startSec() + 3600)));
        }
      }
      svg.append(String.format(Locale.ROOT, "<path d=\"%s\" stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\"%s/>%n",
          path, colours[r % colours.length], r == 0 ? " stroke-dasharray=\"4 3\"" : ""));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s limit</text>%n",
          WIDTH - 220, 40 + 16 * r, colours[r % colours.length], limitRows.get(r)));
    }
    StringBuilder usage = new StringBuilder();
    for (FanRecorder.Hour h : hours) {
      for (int i = 0; i < h.usage().length; i++) {
        usage.append(usage.length() == 0 ? "M" : "L")
            .append(String.format(Locale.ROOT, "%.1f,%.1f ", s.x(h.timesSec()[i]), s.y(h.usage()[i])));
      }
    }
    svg.append("<path d=\"").append(usage).append("\" stroke=\"black\" stroke-width=\"0.8\" fill=\"none\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">actual usage (black)</text>%n", WIDTH - 220, 40 + 16 * limitRows.size()));
    axes(svg, s, start, end, max * 1.05);
    svg.append("</svg>\n");
    Files.writeString(file, svg.toString(), StandardCharsets.UTF_8);
  }

  private static void band(StringBuilder svg, double x0, double x1, double yLow, double yHigh, String fill) {
    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
        x0, yHigh, Math.max(0.5, x1 - x0), Math.max(0.5, yLow - yHigh), fill));
  }

  private static void axes(StringBuilder svg, Scale s, long start, long end, double top) {
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD));
    svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", PAD, PAD, PAD, HEIGHT - PAD));
    for (long d = start; d <= end; d += 86400) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", s.x(d), HEIGHT - PAD + 16,
          Instant.ofEpochSecond(d).toString().substring(5, 10)));
    }
    for (int i = 0; i <= 4; i++) {
      double v = top * i / 4;
      svg.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%.1f\">%.0f</text>%n", s.y(v) + 4, v));
    }
  }

  private record Scale(long start, long end, double top) {
    double x(long sec) {
      return PAD + (double) (sec - start) / (end - start) * (WIDTH - 2 * PAD);
    }

    double y(double v) {
      return HEIGHT - PAD - (top > 0 ? v / top : 0) * (HEIGHT - 2 * PAD);
    }
  }
}
