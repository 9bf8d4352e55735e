package dev.umbra.agent.sampler;

import dev.umbra.agent.telemetry.AgentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap class histogram through the {@code GC.class_histogram} diagnostic command with
 * {@code -all}: it walks the heap at a safepoint without forcing a full GC (live-only would
 * force one), through {@link DiagnosticCommands}. Cost grows with heap size (tens of ms per GB),
 * hence minutes between runs and off at {@code low}.
 */
final class ClassHistogram {
  private ClassHistogram() {}

  static AgentEvent.Classes take(DiagnosticCommands commands, long nowUnixMs, Duration interval, int top) throws Exception {
    return parse(commands.execute("GC.class_histogram -all"), nowUnixMs, interval, top);
  }

  /** Parses {@code "   1:  12  345  [B (java.base@17)"} rows; the rest is skipped. */
  static AgentEvent.Classes parse(String text, long nowUnixMs, Duration interval, int top) {
    List<AgentEvent.ClassBytes> classes = new ArrayList<>();
    long other = 0;
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":") || !f[0].substring(0, f[0].length() - 1).chars().allMatch(Character::isDigit)) {
        continue;
      }
      long count = Long.parseLong(f[1]);
      long bytes = Long.parseLong(f[2]);
      if (classes.size() < top) {
        classes.add(new AgentEvent.ClassBytes(f[3], bytes, count));
      } else {
        other += bytes;
      }
    }
    return new AgentEvent.Classes(nowUnixMs, AgentEvent.ClassesKind.HISTOGRAM, interval, classes, other);
  }
}
