package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.Role;
import dev.umbra.proto.v1.RollbackRequest;
import dev.umbra.proto.v1.RollbackResponse;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code umbra rollback}: restore a primary's state from a checkpoint. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = "Roll a primary back to a checkpoint (default: the last known-good one). Needs the admin token when the shadow has tokens.")
final class RollbackCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "PRIMARY")
  String primary;

  @Option(names = "--to", paramLabel = "CHECKPOINT", description = "Checkpoint id (see 'umbra checkpoints').")
  String checkpoint;

  @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "requested with umbra rollback", description = "Recorded with the rollback.")
  String reason;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RollbackRequest.Builder request = RollbackRequest.newBuilder().setPrimaryId(primary).setReason(reason);
    if (checkpoint != null) {
      request.setCheckpointId(checkpoint);
    }
    RollbackResponse response;
    try (ShadowClient shadow = new ShadowClient(client, Role.OPERATOR)) {
      try {
        // restoring large state takes longer than the default deadline
        response = shadow.control().withDeadlineAfter(150, TimeUnit.SECONDS).rollback(request.build());
      } catch (StatusRuntimeException e) {
        throw shadow.failed(e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(client.json ? ShadowClient.json(response)
        : "rolled back " + primary + " to " + response.getRestored().getCheckpointId() + ": " + response.getMessage());
    out.flush();
    return 0;
  }
}
