package dev.umbra.shadow.forecast.lstm;

import dev.umbra.shadow.forecast.InsufficientHistoryException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains one workload's LSTM for one target from the runs of that workload (its "similar
 * computations"): the entry point of background training in the shadow and of the fleet
 * trainer. A first version is fitted from scratch on everything given; a later one is
 * fine-tuned from a copy of the previous version on the blocks since shortly before its cut-off
 * (incremental). Synchronous, single-threaded on the Java side, and touches no shared state:
 * call it on a low-priority thread after {@link NativeThreads#limit}; serialize the result with
 * {@link LstmModelStore#toBytes}.
 */
public final class WorkloadTrainer {
  private final TrainingPlan plan;
  private final LstmTrainer trainer;
  private final long seed;

  /** @param seed fixes initial weights and minibatch order (results are reproducible) */
  public WorkloadTrainer(TrainingPlan plan, long seed) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.trainer = new LstmTrainer((int) Math.max(16, Math.min(168, 7200 / plan.blockSec())), 32, seed);
    this.seed = seed;
  }

  public TrainingPlan plan() {
    return plan;
  }

  /**
   * A new version.
   *
   * @param runs the workload's history of this target, one entry per run (primary): the fit takes
   *     the newest blocks of each, {@link TrainingPlan#maxBlocks} in all, an equal share per run
   * @param previous the current version, fine-tuned when present, else a fresh network is fitted
   * @param version the number the new version gets (the store's {@link LstmModelStore#nextVersion})
   * @param trainedUntil the newest sample time in {@code runs}: blocks after it are not used
   * @param cancelled polled before every minibatch
   * @throws InsufficientHistoryException when fewer than {@link TrainingPlan#minKnownBlocks}
   *     blocks have a known target, or the previous version's levels or block differ
   * @throws CancellationException when {@code cancelled} turned true
   */
  public LstmModel train(List<SampleRun> runs, Optional<LstmModel> previous, int version, Instant trainedUntil,
      BooleanSupplier cancelled) throws InsufficientHistoryException {
    if (previous.isPresent() && (!previous.get().levels().equals(plan.levels())
        || previous.get().blockSec() != plan.blockSec() || previous.get().horizonSec() != plan.horizonSec())) {
      throw new InsufficientHistoryException("the previous version's levels, block or horizon differ from the plan");
    }
    long cutoff = trainedUntil.getEpochSecond();
    long from = previous.map(p -> p.trainedUntil().getEpochSecond() - plan.updateWindowSec()).orElse(Long.MIN_VALUE);
    List<TrainingSequence> data = new ArrayList<>();
    int known = 0;
    int budget = plan.maxBlocks();
    for (int i = 0; i < runs.size(); i++) {
      // features come from the whole run (the day-earlier peak needs a day of it), the fit from its newest
      // blocks: an equal share of the bound per run, what a short run leaves over goes to the runs after it
      TrainingSequence s = sequence(runs.get(i)).until(cutoff, plan.horizonSec());
      if (from != Long.MIN_VALUE) {
        s = s.after(from);
      }
      s = s.newest(budget / (runs.size() - i));
      budget -= s.blocks().size();
      known += knownTargets(s);
      data.add(s);
    }
    if (known < plan.minKnownBlocks()) {
      throw new InsufficientHistoryException(known + " blocks of " + plan.blockSec() + " s with a known target in "
          + runs.size() + " run(s)" + (previous.isPresent() ? " since version " + previous.get().version() : "")
          + ", need " + plan.minKnownBlocks());
    }
    MultiLayerNetwork network = previous.map(p -> p.network().clone())
        .orElseGet(() -> LstmModel.newNetwork(plan.levels(), seed));
    int epochs = previous.isPresent() ? plan.updateEpochs() : plan.firstEpochs();
    LstmModel model = trainer.fit(network, plan.levels(), data, epochs, plan.blockSec(), plan.horizonSec(),
        version, trainedUntil, cancelled);
    if (model == null) {
      throw new InsufficientHistoryException("no block with a known target");
    }
    return model;
  }

  /** The block sequence of one run, exactly as a live forecaster would see it. */
  public TrainingSequence sequence(SampleRun run) {
    return TrainingSequence.of(run.timesSec(), run.values(), features(), plan.horizonSec(), plan.maxGapSec());
  }

  /** Fresh block features with this plan's block, sample spacing and floor. */
  public BlockFeatures features() {
    return new BlockFeatures(plan.blockSec(), 0, plan.sampleSec(), plan.floor());
  }

  static int knownTargets(TrainingSequence s) {
    int n = 0;
    for (int b = 0; b < s.blocks().size(); b++) {
      if (!Double.isNaN(s.targets()[b]) && !s.blocks().get(b).empty()) {
        n++;
      }
    }
    return n;
  }
}
