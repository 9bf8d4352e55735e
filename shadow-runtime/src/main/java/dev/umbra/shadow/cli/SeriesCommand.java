package dev.umbra.shadow.cli;

import dev.umbra.proto.v1.GetSeriesRequest;
import dev.umbra.proto.v1.GetSeriesResponse;
import dev.umbra.shadow.auth.Role;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra series}: recent grid points of one series of a primary. */
@Command(name = "series", mixinStandardHelpOptions = true, description = "Print recent points of one series of a primary.")
final class SeriesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "PRIMARY", description = "Primary id, as 'umbra primaries' lists it.")
  String primary;

  @Parameters(index = "1", paramLabel = "SERIES", description = "e.g. cpu.process, mem.heap.used")
  String series;

  @Option(names = "--limit", defaultValue = "60", description = "Seconds to print (default ${DEFAULT-VALUE}).")
  int limit;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1");
    }
    GetSeriesResponse response;
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      try {
        response =
            shadow.control().getSeries(
                GetSeriesRequest.newBuilder().setPrimaryId(primary).setSeries(series).setLimit(limit).build());
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
    Table table = new Table("TIME", series + (response.getUnit().isEmpty() ? "" : " (" + response.getUnit() + ")"));
    for (int i = 0; i < response.getValuesCount(); i++) {
      table.row(Instant.ofEpochMilli(response.getTimeUnixMs(i)), format(response.getValues(i)));
    }
    table.print(out);
    return 0;
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
