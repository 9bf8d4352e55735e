package dev.umbra.shadow.manager;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import dev.umbra.allocator.jvm.JvmFlagsChannel;
import dev.umbra.shadow.action.ActionPolicy;
import dev.umbra.shadow.action.ActionRecord.Outcome;
import dev.umbra.shadow.action.ActionRecord.Subject;
import dev.umbra.shadow.action.ActionRecord;
import dev.umbra.shadow.action.Responder;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.threads.ShadowThreads;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scale-ups the action policy asks for on an anomaly (docs/resource-manager.md, "Scale-ups on
 * anomalies"), through the allocator named by {@code allocator}: CPU up by {@code act-cpu-step}
 * cores, memory by {@code act-memory-step} of its limit, never above {@code manage-cpu-max} or
 * {@code manage-memory-max}. A primary without a limit has nothing to raise; that, like whatever the
 * platform refuses, comes back as a refusal with the reason. Each scale-up runs on the {@code
 * umbra-act} thread, so the detector never waits for a platform. The resource manager, when it runs,
 * hears of each applied scale-up through the audit log and lowers what was raised only by its own
 * rule (forecast, band) once its cooldown since the raise has passed.
 */
public final class AnomalyScaler implements Responder.Scaling, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AnomalyScaler.class);

  private final ShadowConfig.Manage bounds;
  private final double cpuStepCores;
  private final double memoryStep;
  private final Function<String, Optional<PrimaryIdentity>> primaries;
  private final AllocatorLoader.Loaded main;
  private final TargetResolver resolver;
  private final ExecutorService executor;

  AnomalyScaler(ShadowConfig.Manage bounds, ActionPolicy policy, Function<String, Optional<PrimaryIdentity>> primaries,
      AllocatorLoader.Loaded main, TargetResolver resolver, ExecutorService executor) {
    this.bounds = bounds;
    this.cpuStepCores = policy.cpuStepCores();
    this.memoryStep = policy.memoryStep();
    this.primaries = primaries;
    this.main = main;
    this.resolver = resolver;
    this.executor = executor;
  }

  /**
   * Opens the allocator of {@code manage} (its name and options; the {@code jvm} plugin talks
   * through {@code channel}). One that cannot be opened does not stop the shadow: every scale-up
   * is then refused with the reason.
   *
   * @param primaries a connected primary's identity by id
   */
  public static AnomalyScaler open(ShadowConfig.Manage manage, ActionPolicy policy,
      Function<String, Optional<PrimaryIdentity>> primaries, JvmFlagsChannel channel, Clock clock) {
    AllocatorLoader.Loaded main = new AllocatorLoader(AnomalyScaler.class.getClassLoader(), clock, Optional.of(channel))
        .load(manage.allocator(), manage.allocatorSettings());
    main.allocator().ifPresentOrElse(
        a -> logger.info("act: scale-ups through allocator={} (cpu +{} cores, memory +{} %)", manage.allocator(),
            policy.cpuStepCores(), Math.round(policy.memoryStep() * 100)),
        () -> logger.error("act: allocator '{}' cannot be used, every scale-up will be refused: {}", manage.allocator(),
            main.failure()));
    return new AnomalyScaler(manage, policy, primaries, main,
        new TargetResolver(TargetResolver.localHostName(), Path.of("/proc"), manage.pod()),
        Executors.newSingleThreadExecutor(ShadowThreads.factory("act", true)));
  }

  @Override
  public CompletableFuture<ActionRecord> scaleUp(String primaryId, ActionPolicy.Resource resource, String reason) {
    try {
      return CompletableFuture.supplyAsync(() -> scale(primaryId, resource, reason), executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(refused(primaryId, resource, "-", reason + "; the shadow is stopping"));
    }
  }

  /** Reads the allocation in effect, raises it by one step within the bounds, applies it; on the act thread. */
  ActionRecord scale(String primaryId, ActionPolicy.Resource resource, String reason) {
    if (main.allocator().isEmpty()) {
      return refused(primaryId, resource, "-", reason + "; " + main.failure() + "; nothing applied");
    }
    Allocator allocator = main.allocator().get();
    ResourceKind kind = resource == ActionPolicy.Resource.CPU ? ResourceKind.CPU : ResourceKind.MEMORY;
    if (!allocator.supports().contains(kind)) {
      return refused(primaryId, resource, "-", reason + "; allocator '" + main.name() + "' does not set "
          + kind.name().toLowerCase(Locale.ROOT) + "; nothing applied");
    }
    Optional<PrimaryIdentity> identity = primaries.apply(primaryId);
    if (identity.isEmpty()) {
      return refused(primaryId, resource, "-", reason + "; primary " + primaryId + " is not connected; nothing applied");
    }
    Target target;
    String where = "-";
    try {
      target = resolver.resolve(identity.get());
      where = resolver.describe(target);
      Allocation now = allocator.current(target);
      OptionalDouble current = resource == ActionPolicy.Resource.CPU ? now.cpuCores()
          : now.memoryBytes().isPresent() ? OptionalDouble.of(now.memoryBytes().getAsLong()) : OptionalDouble.empty();
      String unit = resource == ActionPolicy.Resource.CPU ? "cores" : "bytes";
      if (current.isEmpty()) {
        return refused(primaryId, resource, where, reason + "; no " + kind.name().toLowerCase(Locale.ROOT)
            + " limit is set, nothing to raise");
      }
      double c = current.getAsDouble();
      double max = resource == ActionPolicy.Resource.CPU ? bounds.cpuMax() : bounds.memoryMax();
      double desired = Math.min(max, resource == ActionPolicy.Resource.CPU ? c + cpuStepCores : c * (1 + memoryStep));
      String step = resource == ActionPolicy.Resource.CPU ? "+" + cpuStepCores + " cores (act-cpu-step)"
          : "+" + Math.round(memoryStep * 100) + " % (act-memory-step)";
      String bound = resource == ActionPolicy.Resource.CPU ? "manage-cpu-max" : "manage-memory-max";
      if (desired <= c * (1 + 1e-6)) {
        return new ActionRecord(primaryId, subject(resource), Outcome.REFUSED, c, c, false, main.name(), where,
            reason + "; " + Policy.fmt(c, unit) + " is already at " + bound + " " + Policy.fmt(max, unit) + "; nothing applied");
      }
      ApplyResult result = allocator.apply(target, resource == ActionPolicy.Resource.CPU
          ? Allocation.cpu(desired) : Allocation.memory((long) desired));
      String change = Policy.fmt(c, unit) + " -> " + Policy.fmt(desired, unit) + " (" + step
          + (desired < c + (resource == ActionPolicy.Resource.CPU ? cpuStepCores : c * memoryStep) ? ", capped at " + bound : "")
          + ")";
      if (result.status() == ApplyResult.Status.INFEASIBLE) {
        return new ActionRecord(primaryId, subject(resource), Outcome.REFUSED, c, desired, false, main.name(), where,
            reason + "; wanted " + change + "; " + result.status() + ": " + result.reason());
      }
      return new ActionRecord(primaryId, subject(resource), Outcome.SCALE_UP, c, desired, result.tookEffect(),
          main.name(), where, reason + "; " + change + "; " + result.status() + ": " + result.reason());
    } catch (AllocatorException e) {
      return refused(primaryId, resource, where, reason + "; refused by " + main.name() + " (" + e.reason() + "): "
          + e.getMessage());
    }
  }

  private ActionRecord refused(String primaryId, ActionPolicy.Resource resource, String where, String reason) {
    return new ActionRecord(primaryId, subject(resource), Outcome.REFUSED, Double.NaN, Double.NaN, false,
        main.allocator().isPresent() ? main.name() : "-", where, reason);
  }

  private static Subject subject(ActionPolicy.Resource resource) {
    return resource == ActionPolicy.Resource.CPU ? Subject.CPU : Subject.MEMORY;
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    main.allocator().ifPresent(Allocator::close);
  }
}
