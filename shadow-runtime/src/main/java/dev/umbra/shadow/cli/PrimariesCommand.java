package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.Role;
import dev.umbra.proto.v1.ListPrimariesRequest;
import dev.umbra.proto.v1.ListPrimariesResponse;
import dev.umbra.proto.v1.Primary;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code umbra primaries}: the primaries a shadow serves. */
@Command(name = "primaries", mixinStandardHelpOptions = true, description = "List the primaries a shadow serves.")
final class PrimariesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(names = "--all", description = "Include primaries that are gone.")
  boolean all;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ListPrimariesResponse response;
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      try {
        response = shadow.control().listPrimaries(ListPrimariesRequest.newBuilder().setIncludeGone(all).build());
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
    Table table = new Table("PRIMARY", "WORKLOAD", "STATE", "LAST SEEN", "BATCHES", "LOSS", "JAVA");
    long now = System.currentTimeMillis();
    for (Primary p : response.getPrimariesList()) {
      table.row(
          p.getPrimaryId(),
          p.getWorkloadName().isEmpty() ? p.getWorkload() : p.getWorkloadName(),
          p.getState().name().replace("PRIMARY_STATE_", "").toLowerCase(Locale.ROOT),
          ago(now - p.getLastSeenUnixMs()),
          p.getBatchesReceived(),
          String.format(Locale.ROOT, "%.2f%%", 100 * p.getLoss()),
          p.getJvm().getJavaVersion().isEmpty() ? "-" : p.getJvm().getJavaVersion());
    }
    table.print(out);
    return 0;
  }

  static String ago(long millis) {
    Duration d = Duration.ofMillis(Math.max(0, millis));
    if (d.toSeconds() < 60) {
      return d.toSeconds() + "s ago";
    }
    if (d.toMinutes() < 60) {
      return d.toMinutes() + "m ago";
    }
    if (d.toHours() < 48) {
      return d.toHours() + "h ago";
    }
    return d.toDays() + "d ago";
  }
}
