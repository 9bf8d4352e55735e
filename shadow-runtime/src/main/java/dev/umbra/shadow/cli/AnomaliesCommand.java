package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.Role;
import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.ListAnomaliesRequest;
import dev.umbra.proto.v1.ListAnomaliesResponse;
import dev.umbra.proto.v1.WatchAnomaliesRequest;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra anomalies [PRIMARY] [--follow] [--json]}. */
@Command(name = "anomalies", mixinStandardHelpOptions = true, description = "List anomalies, or follow them as they are detected.")
final class AnomaliesCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @Mixin ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PRIMARY", description = "Only this primary (default: all).")
  String primary;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new anomalies, one line each, until Ctrl-C.")
  boolean follow;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "List at most this many (default ${DEFAULT-VALUE}).")
  int limit;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > 10_000) {
      throw new UsageException("--limit: " + limit + " is not in 1..10000");
    }
    String primaryId = primary == null ? "" : primary;
    PrintWriter out = spec.commandLine().getOut();
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      try {
        if (follow) {
          Iterator<Anomaly> stream = shadow.anomalies(true)
              .watchAnomalies(WatchAnomaliesRequest.newBuilder().setPrimaryId(primaryId).build());
          if (!client.json) {
            out.println(String.join("  ", "DETECTED (UTC)     ", "KIND", "SCORE", "PRIMARY", "SERIES", "EXPLANATION"));
            out.flush();
          }
          while (stream.hasNext()) {
            Anomaly a = stream.next();
            out.println(client.json ? ShadowClient.json(a) : line(a));
            out.flush();
          }
          return 0;
        }
        ListAnomaliesResponse response = shadow.anomalies(false).listAnomalies(
            ListAnomaliesRequest.newBuilder().setPrimaryId(primaryId).setLimit(limit).build());
        if (client.json) {
          out.println(ShadowClient.json(response));
        } else {
          print(out, response.getAnomaliesList());
        }
        out.flush();
        return 0;
      } catch (StatusRuntimeException e) {
        throw shadow.failed(e);
      }
    }
  }

  private static void print(PrintWriter out, List<Anomaly> anomalies) {
    Table table = new Table("DETECTED (UTC)", "KIND", "SCORE", "PRIMARY", "SERIES", "OBSERVED", "EXPECTED", "EXPLANATION");
    for (Anomaly a : anomalies) {
      table.row(TIME.format(Instant.ofEpochMilli(a.getDetectedUnixMs())), kind(a),
          String.format(Locale.ROOT, "%.2f", a.getScore()), a.getPrimaryId(), series(a),
          number(a.getObserved()), number(a.getExpectedLow()) + ".." + number(a.getExpectedHigh()), a.getExplanation());
    }
    table.print(out);
  }

  private static String line(Anomaly a) {
    return String.join("  ", TIME.format(Instant.ofEpochMilli(a.getDetectedUnixMs())), kind(a),
        String.format(Locale.ROOT, "%.2f", a.getScore()), a.getPrimaryId(), series(a), a.getExplanation());
  }

  private static String kind(Anomaly a) {
    return a.getKind().name().replace("ANOMALY_KIND_", "").toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String series(Anomaly a) {
    return a.getRelatedSeriesCount() == 0 ? a.getSeries() : a.getSeries() + " (+" + String.join(",", a.getRelatedSeriesList()) + ")";
  }

  private static String number(double v) {
    return Math.abs(v) >= 1000 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }
}
