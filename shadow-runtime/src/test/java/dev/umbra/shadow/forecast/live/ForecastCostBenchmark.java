package dev.umbra.shadow.forecast.live;

import com.sun.management.ThreadMXBean;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.forecast.lstm.BlockFeatures;
import dev.umbra.shadow.forecast.lstm.LstmBank;
import dev.umbra.shadow.forecast.lstm.LstmModel;
import dev.umbra.shadow.forecast.lstm.LstmModelStore;
import dev.umbra.shadow.forecast.lstm.ModelKey;
import dev.umbra.shadow.forecast.lstm.NativeThreads;
import dev.umbra.shadow.forecast.lstm.SampleRun;
import dev.umbra.shadow.forecast.lstm.TrainingPlan;
import dev.umbra.shadow.forecast.lstm.WorkloadTrainer;
import dev.umbra.shadow.series.GridPoint;
import dev.umbra.shadow.series.SeriesName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;

/**
 * Cost figures of the live LSTM (docs/forecasting.md): training time and memory per workload,
 * inference per step single and batched, the whole live pipeline per primary-second (at 60 x 1 s
 * and at the manager's 10 x 1 s), the evidence backtest of a new version, and the memory of
 * loaded models. Not a test (no assertions, not run by surefire). Run with OMP_NUM_THREADS=1 on
 * one thread:
 *
 * <pre>
 * java -cp shadow-runtime/target/classes:shadow-runtime/target/test-classes:$(cat cp.txt) \
 *   dev.umbra.shadow.forecast.live.ForecastCostBenchmark [reps] [training hours, e.g. 6,24 or none] [horizon]
 * java ... ForecastCostBenchmark models     # memory of 9, 90, 900 loaded models, in a fresh JVM
 * java ... ForecastCostBenchmark cap 2 24 10x1s 720,1440,2880,all   # the block cap: memory, time, held-out loss
 * java ... ForecastCostBenchmark primary 3 100,1000   # all of a primary's live streams, per primary-second
 * </pre>
 *
 * With a horizon (e.g. {@code 10x1s}) only training is measured, at that horizon.
 */
public final class ForecastCostBenchmark {
  private static final long T0 = 1_764_300_000L;

  private static final java.lang.management.ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private ForecastCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("models")) { // alone, in a fresh JVM: nothing else holds memory
      NativeThreads.capMemory(NativeThreads.DEFAULT_MAX_BYTES);
      NativeThreads.limit(1);
      modelsLoaded();
      return;
    }
    if (args.length > 0 && args[0].equals("cap")) {
      NativeThreads.capMemory(NativeThreads.DEFAULT_MAX_BYTES);
      NativeThreads.limit(1);
      System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).trim());
      cap(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Horizon.parse(args[3]), args[4].split(","));
      System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
      return;
    }
    if (args.length > 0 && args[0].equals("primary")) {
      NativeThreads.capMemory(NativeThreads.DEFAULT_MAX_BYTES);
      NativeThreads.limit(1);
      System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).trim());
      wholePrimary(Integer.parseInt(args[1]), Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray());
      System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
      return;
    }
    Horizon trainAt = args.length > 2 ? Horizon.parse(args[2]) : Horizon.DEFAULT;
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int[] trainHours = args.length > 1 ? (args[1].equals("none") ? new int[0]
        : java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()) : new int[] {6, 24};
    NativeThreads.capMemory(NativeThreads.DEFAULT_MAX_BYTES);
    NativeThreads.limit(1);
    System.out.printf(Locale.ROOT, "ND4J threads %d, javacpp maxBytes %s, reps %d%n", NativeThreads.current(),
        System.getProperty("org.bytedeco.javacpp.maxbytes"), reps);
    System.out.println("load average at start: " + Files.readString(Path.of("/proc/loadavg")).trim());
    training(reps, trainHours, trainAt);
    if (args.length > 2) {
      return; // training at another horizon only
    }
    inference(reps);
    pipeline(reps, Horizon.DEFAULT);
    pipeline(reps, new Horizon(10, java.time.Duration.ofSeconds(1))); // the manager's default lead
    evidence(reps);
    System.out.println("load average at end: " + Files.readString(Path.of("/proc/loadavg")).trim());
  }

  static SampleRun run(String id, long from, int seconds, long seed) {
    Random random = new Random(seed);
    long[] t = new long[seconds];
    double[] v = new double[seconds];
    for (int i = 0; i < seconds; i++) {
      t[i] = from + i;
      v[i] = 1 + 0.5 * Math.sin(2 * Math.PI * i / 600.0) + 0.2 * random.nextDouble() + (random.nextInt(200) == 0 ? 1 : 0);
    }
    return new SampleRun(id, t, v);
  }

  /**
   * A first version trained on {@code hours} of a series with a daily cycle (a 10-minute wave whose
   * amplitude follows the time of day, noise, spikes), with each bound on the blocks of a fit ("all"
   * = none): heap allocated by the fit, wall time, and the rolling pinball loss of the peak on the
   * 2 hours after the training cut-off (held out), replayed as the evidence backtest does.
   */
  private static void cap(int reps, int hours, Horizon horizon, String[] caps) {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    java.util.regex.Pattern loss = java.util.regex.Pattern.compile("pinball lstm ([0-9.]+) vs \\S+ ([0-9.]+)");
    for (String c : caps) {
      int blocks = c.equals("all") ? Integer.MAX_VALUE : Integer.parseInt(c);
      TrainingPlan plan = TrainingPlan.live(horizon, QuantileLevels.DEFAULT, 0.01).withMaxBlocks(blocks);
      double[] wall = new double[reps];
      double[] allocMb = new double[reps];
      double[] lstmLoss = new double[reps];
      double[] baseLoss = new double[reps];
      for (int r = 0; r < reps; r++) {
        SampleRun data = daily("p", T0, (hours + 2) * 3600, r);
        long alloc0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        LstmModel v1;
        try {
          v1 = new WorkloadTrainer(plan, r).train(List.of(data), Optional.empty(), 1,
              Instant.ofEpochSecond(T0 + hours * 3600L), () -> false);
        } catch (dev.umbra.shadow.forecast.InsufficientHistoryException e) {
          throw new IllegalStateException(e);
        }
        wall[r] = (System.nanoTime() - t0) / 1e9;
        allocMb[r] = (threads.getCurrentThreadAllocatedBytes() - alloc0) / 1e6;
        String summary = new EvidenceBacktest("cpu.process", horizon, QuantileLevels.DEFAULT)
            .run(v1, List.of(data)).orElseThrow().summary();
        java.util.regex.Matcher m = loss.matcher(summary);
        boolean found = m.find();
        lstmLoss[r] = found ? Double.parseDouble(m.group(1)) : Double.NaN;
        baseLoss[r] = found ? Double.parseDouble(m.group(2)) : Double.NaN;
        System.out.printf(Locale.ROOT, "  cap %s rep %d: %s%n", c, r, summary);
      }
      System.out.printf(Locale.ROOT, "cap %s blocks, %d h at %dx%ds: first version %s s, heap allocated %s MB,"
          + " held-out 2 h pinball of the peak: lstm %s, baselines %s%n", c, hours, horizon.steps(),
          horizon.step().toSeconds(), spread(wall), spread(allocMb), spread(lstmLoss), spread(baseLoss));
    }
    System.out.printf(Locale.ROOT, "process: max RSS %d MB%n", maxRssKb() / 1000);
  }

  /** 1 s samples: a 10-minute wave whose amplitude follows the time of day, noise and rare spikes. */
  static SampleRun daily(String id, long from, int seconds, long seed) {
    Random random = new Random(seed);
    long[] t = new long[seconds];
    double[] v = new double[seconds];
    for (int i = 0; i < seconds; i++) {
      t[i] = from + i;
      double day = 1 + 0.8 * Math.max(0, Math.sin(2 * Math.PI * (t[i] % 86_400) / 86_400.0));
      v[i] = day * (1 + 0.5 * Math.sin(2 * Math.PI * i / 600.0)) + 0.2 * random.nextDouble()
          + (random.nextInt(200) == 0 ? 1 : 0);
    }
    return new SampleRun(id, t, v);
  }

  private static void training(int reps, int[] trainHours, Horizon horizon) throws Exception {
    TrainingPlan plan = TrainingPlan.live(horizon, QuantileLevels.DEFAULT, 0.01);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int hours : trainHours) {
      double[] first = new double[reps];
      double[] update = new double[reps];
      double[] allocMb = new double[reps];
      double[] offHeapMb = new double[reps];
      int bytes = 0;
      for (int r = 0; r < reps; r++) {
        WorkloadTrainer trainer = new WorkloadTrainer(plan, r);
        SampleRun data = run("p", T0, hours * 3600, r);
        long alloc0 = threads.getCurrentThreadAllocatedBytes();
        long off0 = Pointer.totalBytes();
        long t0 = System.nanoTime();
        LstmModel v1 = trainer.train(List.of(data), Optional.empty(), 1, Instant.ofEpochSecond(T0 + hours * 3600L), () -> false);
        first[r] = (System.nanoTime() - t0) / 1e9;
        allocMb[r] = (threads.getCurrentThreadAllocatedBytes() - alloc0) / 1e6;
        offHeapMb[r] = Math.max(0, Pointer.totalBytes() - off0) / 1e6;
        SampleRun more = run("p", T0, hours * 3600 + 600, r);
        t0 = System.nanoTime();
        LstmModel v2 = trainer.train(List.of(more), Optional.of(v1), 2, Instant.ofEpochSecond(T0 + hours * 3600L + 600), () -> false);
        update[r] = (System.nanoTime() - t0) / 1e9;
        bytes = LstmModelStore.toBytes(v2).length;
      }
      System.out.printf(Locale.ROOT, "train %2d h of 1 s samples at %dx%ds (%d blocks): first version %s s, incremental"
          + " %s s, heap allocated %s MB, off-heap held after %s MB, model %d bytes, %d parameters%n", hours,
          horizon.steps(), horizon.step().toSeconds(), hours * 3600 / plan.blockSec(),
          spread(first), spread(update), spread(allocMb), spread(offHeapMb), bytes,
          LstmModel.newNetwork(QuantileLevels.DEFAULT, 1).numParams());
    }
    System.out.printf(Locale.ROOT, "process: javacpp physical %d MB, max RSS %d MB%n", Pointer.physicalBytes() / 1_000_000,
        maxRssKb() / 1000);
  }

  private static void inference(int reps) {
    LstmModel model = new LstmModel(LstmModel.newNetwork(QuantileLevels.DEFAULT, 3), QuantileLevels.DEFAULT, 60, 60, 1,
        Instant.ofEpochSecond(T0));
    LstmBank bank = new LstmBank(model);
    Random random = new Random(1);
    for (int n : new int[] {1, 10, 100, 1000}) {
      List<LstmBank.State> states = new ArrayList<>();
      double[][] f = new double[n][BlockFeatures.COUNT];
      for (int i = 0; i < n; i++) {
        states.add(bank.newState());
        for (int k = 0; k < BlockFeatures.COUNT; k++) {
          f[i][k] = random.nextDouble();
        }
      }
      int calls = Math.max(50, 5_000 / n);
      double[] perPrimaryUs = new double[reps];
      double[] perCallUs = new double[reps];
      double[] cpuPerPrimaryUs = new double[reps];
      for (int w = 0; w < calls; w++) {
        bank.step(states, f); // warm-up
      }
      for (int r = 0; r < reps; r++) {
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int c = 0; c < calls; c++) {
          bank.step(states, f);
        }
        double perCall = (System.nanoTime() - t0) / 1e3 / calls;
        perCallUs[r] = perCall;
        perPrimaryUs[r] = perCall / n;
        cpuPerPrimaryUs[r] = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e3 / calls / n;
      }
      System.out.printf(Locale.ROOT, "rnnTimeStep batch of %4d: wall %s µs per call, %s µs per primary; CPU %s µs per primary%n", n,
          spread(perCallUs), spread(perPrimaryUs), spread(cpuPerPrimaryUs));
    }
  }

  /**
   * The live pipeline (grid second → step → blocks → batched LSTM → selector → published
   * forecast), the LSTM serving on carried evidence from the first block.
   */
  private static void pipeline(int reps, Horizon horizon) throws Exception {
    LearningSettings settings = new LearningSettings(List.of("cpu.process"), List.of(horizon),
        QuantileLevels.DEFAULT, java.time.Duration.ofHours(1), java.time.Duration.ofHours(1),
        java.time.Duration.ofDays(1), 10, 1000);
    for (int n : new int[] {10, 100}) {
      double[][] us = perPrimarySecond(settings, n, reps, 900); // after the selectors have warmed up
      System.out.printf(Locale.ROOT, "live pipeline, %3d primaries x 1 series x %dx%ds: wall %s, CPU %s µs per"
          + " primary-second%n", n, horizon.steps(), horizon.step().toSeconds(), spread(us[0]), spread(us[1]));
    }
  }

  /**
   * Every live stream of a primary with the resource manager on, as {@code umbra serve --manage}
   * runs them: the default targets (cpu.process, mem.heap.used, mem.rss) at the default horizons
   * (60 x 1 s, 60 x 10 s) and the manager's 10 x 1 s lead, each served by an LSTM on carried
   * evidence from the first block: CPU per primary-second for all of them together.
   */
  private static void wholePrimary(int reps, int[] primaries) throws Exception {
    LearningSettings settings = LearningSettings.defaults().withHorizon(new Horizon(10, java.time.Duration.ofSeconds(1)));
    for (int n : primaries) {
      // past the first 60 x 10 s horizon and the selectors' warm-up
      double[][] us = perPrimarySecond(settings, n, reps, 1200);
      System.out.printf(Locale.ROOT, "whole primary, %4d primaries x %d series x %d horizons: CPU %s µs per"
          + " primary-second%n", n, settings.targets().size(), settings.horizons().size(), spread(us[1]));
    }
  }

  /**
   * Runs {@code settings}' streams for {@code primaries} primaries of one workload over 30 simulated
   * minutes, one value of every target a second, every (target, horizon) served by an untrained
   * LSTM on carried evidence; returns per rep the wall and CPU µs per primary-second after {@code
   * skipSeconds}.
   */
  private static double[][] perPrimarySecond(LearningSettings settings, int primaries, int reps, int skipSeconds)
      throws Exception {
    java.util.Map<String, ServedModel> served = new java.util.HashMap<>();
    for (Horizon h : settings.horizons()) {
      long span = h.duration().toSeconds();
      LstmModel model = new LstmModel(LstmModel.newNetwork(QuantileLevels.DEFAULT, 3), QuantileLevels.DEFAULT, span, span,
          1, Instant.ofEpochSecond(T0));
      for (String target : settings.targets()) {
        served.put(ModelKey.of("wl", target, h).target(), new ServedModel(model, "the same workload",
            Optional.of(new dev.umbra.shadow.forecast.lstm.ModelEvidence("p0", 30, true, "benchmark"))));
      }
    }
    List<SeriesName> series = settings.targets().stream().map(SeriesName::of).toList();
    int seconds = 1800;
    double[][] us = new double[2][reps];
    for (int r = 0; r < reps; r++) {
      try (OnlineInference streams = new OnlineInference(settings, k -> Optional.ofNullable(served.get(k.target())),
          k -> "", Clock.systemUTC())) {
        Random random = new Random(r);
        long wall = 0;
        long cpu = 0;
        for (long s = T0; s < T0 + seconds; s++) {
          List<OnlineInference.Tick> ticks = new ArrayList<>();
          for (int p = 0; p < primaries; p++) {
            List<GridPoint> points = new ArrayList<>();
            for (SeriesName name : series) {
              points.add(new GridPoint("p" + p, name, "", s, 1 + random.nextDouble()));
            }
            ticks.add(new OnlineInference.Tick("wl", "p" + p, points));
          }
          long cpu0 = CPU.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          streams.process(ticks);
          if (s >= T0 + skipSeconds) {
            wall += System.nanoTime() - t0;
            cpu += CPU.getCurrentThreadCpuTime() - cpu0;
          }
        }
        us[0][r] = wall / 1e3 / (seconds - skipSeconds) / primaries;
        us[1][r] = cpu / 1e3 / (seconds - skipSeconds) / primaries;
      }
    }
    return us;
  }

  /** The backtest a new version gets before it is published (on the training thread): 2 h of one run. */
  private static void evidence(int reps) {
    for (Horizon horizon : List.of(new Horizon(10, java.time.Duration.ofSeconds(1)), Horizon.DEFAULT)) {
      long span = horizon.duration().toSeconds();
      LstmModel model = new LstmModel(LstmModel.newNetwork(QuantileLevels.DEFAULT, 3), QuantileLevels.DEFAULT, span,
          span, 1, Instant.ofEpochSecond(T0));
      double[] seconds = new double[reps];
      for (int r = 0; r < reps; r++) {
        SampleRun run = run("p", T0, 2 * 3600, r);
        long t0 = System.nanoTime();
        new EvidenceBacktest("cpu.process", horizon, QuantileLevels.DEFAULT).run(model, List.of(run));
        seconds[r] = (System.nanoTime() - t0) / 1e9;
      }
      System.out.printf(Locale.ROOT, "evidence backtest of a new version, 2 h of 1 s samples at %dx%ds: %s s%n",
          horizon.steps(), horizon.step().toSeconds(), spread(seconds));
    }
  }

  /** Memory of models held for inference: one {@link LstmBank} (its own network copy) per workload and target. */
  private static void modelsLoaded() {
    List<LstmBank> held = new ArrayList<>();
    long rss0 = rssKb();
    long heap0 = usedHeap();
    for (int n : new int[] {9, 90, 900}) {
      while (held.size() < n) {
        held.add(new LstmBank(new LstmModel(LstmModel.newNetwork(QuantileLevels.DEFAULT, held.size()),
            QuantileLevels.DEFAULT, 10, 10, 1, Instant.ofEpochSecond(T0))));
      }
      System.out.printf(Locale.ROOT, "%4d models loaded (banks): RSS +%d MB, heap +%d MB, javacpp physical %d MB%n", n,
          (rssKb() - rss0) / 1000, (usedHeap() - heap0) / 1_000_000, Pointer.physicalBytes() / 1_000_000);
    }
    System.out.println("held " + held.size() + " banks");
  }

  private static long usedHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }

  /** "median (min–max)". */
  static String spread(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return String.format(Locale.ROOT, "%s (%s–%s)", fmt(median), fmt(s[0]), fmt(s[s.length - 1]));
  }

  private static String fmt(double x) {
    return x >= 100 ? String.format(Locale.ROOT, "%.0f", x) : x >= 1 ? String.format(Locale.ROOT, "%.2f", x)
        : String.format(Locale.ROOT, "%.3f", x);
  }

  private static long maxRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      return -1;
    }
    return -1;
  }
}
