package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.Role;
import dev.umbra.proto.v1.Decision;
import dev.umbra.proto.v1.ListDecisionsRequest;
import dev.umbra.proto.v1.ListDecisionsResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code umbra decisions}: the resource manager's audit log. */
@Command(name = "decisions", mixinStandardHelpOptions = true,
    description = "Show the resource manager's decisions, newest first, with their reasons.")
final class DecisionsCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  @Mixin ClientOptions client;

  @Option(names = "--primary", paramLabel = "ID", description = "Only this primary's decisions.")
  String primary;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N decisions (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--changes", description = "Leave out holds: only scale-ups, scale-downs, recommendations and refusals.")
  boolean changesOnly;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new UsageException("--limit: " + limit + " must be at least 1");
    }
    ListDecisionsResponse response;
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      try {
        response = shadow.control().listDecisions(ListDecisionsRequest.newBuilder()
            .setPrimaryId(primary == null ? "" : primary).setLimit(limit).setChangesOnly(changesOnly).build());
      } catch (StatusRuntimeException e) {
        throw shadow.failed(e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (client.json) {
      out.println(ShadowClient.json(response));
      out.flush();
      return 0;
    }
    if (response.getDecisionsCount() == 0) {
      out.println("no decisions (is the shadow running with --manage recommend or auto?)");
      out.flush();
      return 0;
    }
    Table table = new Table("TIME", "PRIMARY", "RESOURCE", "ACTION", "CURRENT", "DESIRED", "P>CUR", "APPLIED", "REASON");
    for (Decision d : response.getDecisionsList()) {
      table.row(TIME.format(Instant.ofEpochMilli(d.getTimeUnixMs())), d.getPrimaryId(), d.getResource(),
          d.getAction().name().replace("DECISION_ACTION_", "").toLowerCase(Locale.ROOT),
          amount(d.getResource(), d.getCurrent()), amount(d.getResource(), d.getDesired()),
          String.format(Locale.ROOT, "%.2f", d.getProbability()), d.getApplied() ? "yes" : "no", d.getReason());
    }
    table.print(out);
    return 0;
  }

  private static String amount(String resource, double value) {
    if (value <= 0) {
      return "-";
    }
    if (resource.equals("cpu")) {
      return String.format(Locale.ROOT, "%.3f", value);
    }
    return String.format(Locale.ROOT, "%.0fMiB", value / (1 << 20)) + (resource.startsWith("disk_") ? "/s" : "");
  }
}
