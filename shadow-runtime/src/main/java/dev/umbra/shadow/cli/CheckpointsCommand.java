package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.Role;
import dev.umbra.proto.v1.CheckpointInfo;
import dev.umbra.proto.v1.ListCheckpointsRequest;
import dev.umbra.proto.v1.ListCheckpointsResponse;
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

/** {@code umbra checkpoints}: stored checkpoints, newest first. */
@Command(name = "checkpoints", mixinStandardHelpOptions = true, description = "List checkpoints, newest first.")
final class CheckpointsCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PRIMARY", description = "Only this primary's checkpoints.")
  String primary;

  @Option(names = "--workload", paramLabel = "WORKLOAD", description = "Only this workload's checkpoints.")
  String workload;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ListCheckpointsRequest.Builder request = ListCheckpointsRequest.newBuilder();
    if (primary != null) {
      request.setPrimaryId(primary);
    }
    if (workload != null) {
      request.setWorkload(workload);
    }
    ListCheckpointsResponse response;
    try (ShadowClient shadow = new ShadowClient(client, Role.READER)) {
      try {
        response = shadow.control().listCheckpoints(request.build());
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
    Table table = new Table("CHECKPOINT", "PRIMARY", "ENGINE", "STATE", "CREATED", "SIZE");
    for (CheckpointInfo c : response.getCheckpointsList()) {
      table.row(c.getCheckpointId(), c.getPrimaryId(), c.getEngine(),
          c.getState().name().replace("CHECKPOINT_STATE_", "").toLowerCase(Locale.ROOT).replace('_', '-'),
          Instant.ofEpochMilli(c.getCreatedUnixMs()), bytes(c.getSizeBytes()));
    }
    table.print(out);
    return 0;
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + "B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
  }
}
