package dev.umbra.agent.command;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.umbra.agent.checkpoint.CheckpointEngine;
import dev.umbra.agent.config.Sampling;
import dev.umbra.agent.log.AgentLog;
import dev.umbra.agent.log.AgentThreads;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs commands one at a time on the {@code umbra-command} thread, so a slow one (a GC the
 * shadow asked for) never holds the transport, and hands each result to {@code results}.
 */
public final class CommandHandler implements AutoCloseable {
  private final ExecutorService executor = Executors.newSingleThreadExecutor(AgentThreads.single("command"));
  private final SamplingTarget sampling;
  private final JvmFlags flags;
  private final List<CheckpointEngine> engines;

  /** Where a new sampling goes: the sampler and the JFR stream. */
  public interface SamplingTarget {
    Sampling current();

    void apply(Sampling sampling);
  }

  /** Sets one manageable JVM flag; throws with the JVM's reason when it cannot. */
  public interface JvmFlags {
    void set(String name, String value) throws Exception;

    void gc();
  }

  public CommandHandler(SamplingTarget sampling, JvmFlags flags) {
    this(sampling, flags, List.of());
  }

  /** @param engines in-process checkpoint engines ("app"), tried in order for a rollback */
  public CommandHandler(SamplingTarget sampling, JvmFlags flags,
      List<CheckpointEngine> engines) {
    this.sampling = sampling;
    this.flags = flags;
    this.engines = List.copyOf(engines);
  }

  /** The real JVM: {@code HotSpotDiagnosticMXBean.setVMOption} and {@code System.gc()}. */
  public static JvmFlags hotSpot() {
    return new JvmFlags() {
      @Override
      public void set(String name, String value) {
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).setVMOption(name, value);
      }

      @Override
      public void gc() {
        System.gc();
      }
    };
  }

  /** Queues a command; its result goes to {@code results} from the command thread. */
  public void submit(Command command, Consumer<CommandResult> results) {
    try {
      executor.execute(() -> results.accept(run(command)));
    } catch (RuntimeException e) {
      AgentLog.warn("command " + command.id() + " dropped: agent is closing");
    }
  }

  CommandResult run(Command command) {
    try {
      if (command instanceof Command.SetSampling s) {
        return setSampling(s);
      }
      if (command instanceof Command.ApplyJvmSettings a) {
        return applyJvmSettings(a);
      }
      if (command instanceof Command.Checkpoint c) {
        return CheckpointCommands.checkpoint(engines, c);
      }
      return CheckpointCommands.rollback(engines, (Command.Rollback) command);
    } catch (RuntimeException e) {
      return new CommandResult(command.id(), CommandResult.Status.FAILED, String.valueOf(e), Map.of());
    }
  }

  private CommandResult setSampling(Command.SetSampling command) {
    Sampling next = command.change().applyTo(sampling.current());
    sampling.apply(next);
    AgentLog.info("sampling changed to " + next);
    return new CommandResult(command.id(), CommandResult.Status.OK, "",
        Map.of("criticality", next.criticality().label()));
  }

  private CommandResult applyJvmSettings(Command.ApplyJvmSettings command) {
    Map<String, String> failures = new TreeMap<>();
    Map<String, String> details = new TreeMap<>();
    // Flags can depend on each other (MinHeapFreeRatio <= MaxHeapFreeRatio) and a map has no
    // order to rely on: a flag refused in the first pass is tried once more after the others.
    Map<String, String> pending = command.flags();
    for (int pass = 0; pass < 2 && !pending.isEmpty(); pass++) {
      failures.clear();
      pending.forEach((name, value) -> {
        try {
          flags.set(name, value);
          details.put(name, value);
        } catch (Exception e) {
          failures.put(name, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
      });
      Map<String, String> retry = new LinkedHashMap<>(pending);
      retry.keySet().retainAll(failures.keySet());
      pending = retry;
    }
    if (command.requestGc()) {
      flags.gc();
      details.put("gc", "requested");
    }
    if (failures.isEmpty()) {
      return new CommandResult(command.id(), CommandResult.Status.OK, "", details);
    }
    StringBuilder message = new StringBuilder();
    failures.forEach((name, why) -> message.append(message.length() == 0 ? "" : "; ").append(name).append(": ").append(why));
    // details still names the flags that were applied before or after the failing ones
    return new CommandResult(command.id(), CommandResult.Status.FAILED, "not applied: " + message, details);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(200, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
