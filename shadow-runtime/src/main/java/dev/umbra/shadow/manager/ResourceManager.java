package dev.umbra.shadow.manager;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorContext;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.Allocators;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import dev.umbra.allocator.jvm.JvmFlagsChannel;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.Horizon;
import dev.umbra.shadow.forecast.InsufficientHistoryException;
import dev.umbra.shadow.forecast.QuantileForecast;
import dev.umbra.shadow.forecast.QuantileLevels;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.manager.Decision.Action;
import dev.umbra.shadow.manager.Decision.Resource;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.threads.ShadowThreads;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource manager's loop: every {@code manage-every}, for each connected primary, one
 * decision per resource the allocator sets (CPU, memory; with {@code manage-io}, disk read and
 * write bandwidth) and, with the {@code jvm} allocator, the heap; each decision goes to the {@link
 * DecisionLog}. Runs on one {@code umbra-manager} thread; {@link #tick()} is also what tests call.
 */
public final class ResourceManager implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ResourceManager.class);
  /** Telemetry older than this is not acted on. */
  static final Duration STALE = Duration.ofSeconds(15);
  /**
   * Seconds of heap history the live set is taken from: long enough to hold a collection of a busy
   * JVM, short enough to follow a growing live set (an idle JVM without a GC in it is
   * overestimated, which is the safe side).
   */
  static final int LIVE_SET_WINDOW = 20;
  /** Seconds of usage the latest usage is the maximum of. */
  static final int USAGE_WINDOW = 3;
  /** Seconds of RSS a memory scale-down looks back at for growth. */
  static final int GROWTH_WINDOW = 30;
  /** Growth of the RSS peak over {@link #GROWTH_WINDOW} that holds a memory scale-down. */
  static final double GROWING = 0.02;
  /** Seconds of usage searched for a period (periods up to a third of it are found). */
  static final int PERIODIC_WINDOW = 600;
  /** How long after a heap shrink its effect on the RSS is judged. */
  static final Duration RECLAIM_SETTLE = Duration.ofSeconds(10);
  /** The least fall of the RSS that counts as memory returned. */
  static final double RECLAIM_GAIN = 0.1;
  /** The least fall of the live set, bytes, that makes a shrink worth repeating soon. */
  static final double RECLAIM_LIVE_MIN = 16 << 20;
  /** The longest wait between heap shrinks that returned nothing (the wait doubles each time). */
  static final Duration RECLAIM_BACKOFF_MAX = Duration.ofMinutes(16);

  private final ShadowConfig.Manage config;
  private final Supplier<Collection<PrimaryIdentity>> primaries;
  private final Signals signals;
  private final DecisionLog log;
  private final Clock clock;
  private final Loaded main;
  private final Optional<Allocator> jvm;
  private final TargetResolver resolver;
  private final Policy cpuPolicy;
  private final Policy memoryPolicy;
  /** Disk read and write bandwidth: as CPU, bounded by manage-io-min (the floor) and manage-io-max. */
  private final Policy ioPolicy;
  private final QuantileLevels levels;
  private final Horizon horizon;
  private final Map<String, EnumMap<Resource, Instant>> lastChange = new ConcurrentHashMap<>();
  /**
   * When the manager first decided about each primary: until a cooldown has passed since, nothing
   * is scaled down. A forecast from a few seconds of a JVM starting up (the VPA fallback's) is no
   * reason to halve a limit the JVM is about to grow into; the last memory run was OOM-killed so.
   */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
  /** Each primary's last heap shrink, judged {@link #RECLAIM_SETTLE} later: see {@link #decideHeap}. */
  private final Map<String, Reclaim> reclaims = new ConcurrentHashMap<>();
  private ScheduledExecutorService executor;

  /**
   * A heap shrink asked of a primary: when, its RSS and live set then, and how long to wait before the next
   * one (the cooldown after one that returned memory, doubling after each that did not).
   */
  record Reclaim(Instant at, double rssBefore, double liveBefore, Duration pause, boolean judged) {}

  /** The configured allocator, or why it could not be opened. */
  record Loaded(String name, Optional<Allocator> allocator, String failure) {
    static Loaded open(String name, Function<String, Allocator> opener) {
      try {
        return new Loaded(name, Optional.of(opener.apply(name)), "");
      } catch (OpenFailed e) {
        return new Loaded(name, Optional.empty(), e.getMessage());
      }
    }
  }

  /** An allocator that could not be opened, carried out of a lambda. */
  static final class OpenFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OpenFailed(String message) {
      super(message);
    }
  }

  ResourceManager(ShadowConfig.Manage config, Supplier<Collection<PrimaryIdentity>> primaries, Signals signals,
      DecisionLog log, Clock clock, Loaded main, Optional<Allocator> jvm, TargetResolver resolver) {
    this.config = config;
    this.primaries = primaries;
    this.signals = signals;
    this.log = log;
    this.clock = clock;
    this.main = main;
    this.jvm = jvm;
    this.resolver = resolver;
    this.cpuPolicy = new Policy(config.confidence(), config.threshold(), config.headroom(), config.band(),
        config.cooldown(), config.maxStep(), config.cpuMin(), config.cpuMax());
    this.memoryPolicy = new Policy(config.confidence(), config.threshold(), config.headroom(), config.band(),
        config.cooldown(), config.maxStep(), config.memoryMin(), config.memoryMax());
    this.ioPolicy = new Policy(config.confidence(), config.threshold(), config.headroom(), config.band(),
        config.cooldown(), config.maxStep(), config.ioMin(), config.ioMax());
    Set<Double> q = new TreeSet<>(Set.of(0.05, 0.5, 0.9, 0.95, 0.99));
    q.add(config.confidence());
    this.levels = QuantileLevels.of(q.stream().mapToDouble(Double::doubleValue).toArray());
    this.horizon = new Horizon((int) Math.max(1, config.lead().toSeconds()), Duration.ofSeconds(1));
  }

  /**
   * Starts the manager of a shadow over its connected primaries, forecasts and store, with the
   * agents' streams as the {@code jvm} allocator's channel.
   */
  public static ResourceManager start(ShadowConfig.Manage config, dev.umbra.shadow.ingest.Sessions sessions,
      dev.umbra.shadow.forecast.live.LiveForecasts forecasts, dev.umbra.shadow.series.SeriesStore store, DecisionLog log,
      Clock clock) {
    Supplier<Collection<PrimaryIdentity>> connected = () -> sessions.all().stream()
        .filter(s -> s.state() == dev.umbra.shadow.ingest.PrimaryState.CONNECTED)
        .map(dev.umbra.shadow.ingest.PrimarySession::identity)
        .toList();
    return start(config, connected, Signals.of(forecasts, store), log, clock,
        new dev.umbra.shadow.ingest.JvmFlagsSessionChannel(sessions));
  }

  /**
   * Opens the configured allocator (and the {@code jvm} one for the heap) and starts the loop.
   * An allocator that cannot be opened does not stop the shadow: every decision is then refused
   * with the reason, in the log and the audit.
   */
  static ResourceManager start(ShadowConfig.Manage config, Supplier<Collection<PrimaryIdentity>> primaries,
      Signals signals, DecisionLog log, Clock clock, JvmFlagsChannel channel) {
    AllocatorContext base = new AllocatorContext(config.allocatorSettings(), Map.of(), clock)
        .withService(JvmFlagsChannel.class, channel);
    ClassLoader loader = ResourceManager.class.getClassLoader();
    Loaded main = Loaded.open(config.allocator(), name -> open(name, base, loader));
    Optional<Allocator> jvm = Optional.empty();
    if (config.jvm() && !config.allocator().equals("jvm")) {
      AllocatorContext jvmContext = new AllocatorContext(
          Map.of("minHeapFreeRatio", "10", "maxHeapFreeRatio", "30", "gcOnShrink", "true"), Map.of(), clock)
          .withService(JvmFlagsChannel.class, channel);
      Loaded j = Loaded.open("jvm", name -> open(name, jvmContext, loader));
      jvm = j.allocator();
      if (jvm.isEmpty()) {
        logger.warn("manager: no jvm allocator, memory is managed without shrinking the heap first: {}", j.failure());
      }
    }
    main.allocator().ifPresentOrElse(
        a -> logger.info("manager: mode={} allocator={} confidence={} lead={} every={}", config.mode(),
            config.allocator(), config.confidence(), config.lead(), config.every()),
        () -> logger.error("manager: allocator '{}' cannot be used, every decision will be refused: {}",
            config.allocator(), main.failure()));
    if (config.io() && main.allocator().map(a -> !a.supports().contains(ResourceKind.DISK_WRITE)).orElse(false)) {
      logger.warn("manager: manage-io is on but allocator '{}' cannot limit disk bandwidth here; disk I/O is not managed",
          config.allocator());
    }
    ResourceManager manager = new ResourceManager(config, primaries, signals, log, clock, main, jvm,
        new TargetResolver(TargetResolver.localHostName(), Path.of("/proc"), config.pod()));
    manager.executor = Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("manager", true));
    long period = config.every().toMillis();
    manager.executor.scheduleWithFixedDelay(manager::tickSafely, period, period, TimeUnit.MILLISECONDS);
    return manager;
  }

  static Allocator open(String name, AllocatorContext context, ClassLoader loader) {
    try {
      return Allocators.load(name, context, loader);
    } catch (AllocatorException e) {
      throw new OpenFailed("allocator '" + name + "' (" + e.reason() + "): " + e.getMessage());
    } catch (RuntimeException e) {
      throw new OpenFailed("allocator '" + name + "' failed to open: " + e);
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      logger.error("manager tick failed", e);
    }
  }

  /** One round of decisions over the connected primaries. */
  void tick() {
    Set<String> seen = new HashSet<>();
    for (PrimaryIdentity identity : primaries.get()) {
      seen.add(identity.primaryId());
      try {
        decide(identity);
      } catch (RuntimeException e) {
        logger.error("manager: deciding for primary={} failed", identity.primaryId(), e);
      }
    }
    lastChange.keySet().retainAll(seen);
    firstSeen.keySet().retainAll(seen);
    reclaims.keySet().retainAll(seen);
  }

  private void decide(PrimaryIdentity id) {
    Instant now = clock.instant();
    firstSeen.putIfAbsent(id.primaryId(), now);
    if (main.allocator().isEmpty()) {
      refuseAll(id, "-", main.failure() + "; nothing applied");
      return;
    }
    Allocator allocator = main.allocator().get();
    Target target;
    try {
      target = resolver.resolve(id);
    } catch (AllocatorException e) {
      refuseAll(id, "-", e.getMessage());
      return;
    }
    String where = resolver.describe(target);
    Allocation current;
    try {
      current = allocator.current(target);
    } catch (AllocatorException e) {
      refuseAll(id, where, "cannot read the allocation (" + e.reason() + "): " + e.getMessage() + "; nothing applied");
      return;
    }
    if (allocator.supports().contains(ResourceKind.CPU)) {
      decideCpu(id, now, allocator, target, where, current);
    }
    if (allocator.supports().contains(ResourceKind.MEMORY)) {
      decideMemory(id, now, allocator, target, where, current);
    }
    if (config.io() && allocator.supports().contains(ResourceKind.DISK_READ)) {
      decideDisk(id, now, allocator, target, where, Resource.DISK_READ, Canonical.IO_DISK_READ,
          current.diskReadBytesPerSecond(), bps -> Allocation.diskRead((long) bps));
    }
    if (config.io() && allocator.supports().contains(ResourceKind.DISK_WRITE)) {
      decideDisk(id, now, allocator, target, where, Resource.DISK_WRITE, Canonical.IO_DISK_WRITE,
          current.diskWriteBytesPerSecond(), bps -> Allocation.diskWrite((long) bps));
    }
    Optional<Allocator> heapAllocator = allocator.supports().contains(ResourceKind.HEAP) ? Optional.of(allocator) : jvm;
    heapAllocator.ifPresent(h -> decideHeap(id, now, h, target, where));
  }

  private void decideCpu(PrimaryIdentity id, Instant now, Allocator allocator, Target target, String where,
      Allocation current) {
    OptionalDouble cpu = current.cpuCores();
    long newest = fresh(id, Resource.CPU, Canonical.CPU_PROCESS, now, cpu, where);
    if (newest == Long.MIN_VALUE) {
      return;
    }
    double usage = max(signals.recent(id.primaryId(), Canonical.CPU_PROCESS, newest, USAGE_WINDOW));
    Policy.Plan plan;
    String model;
    QuantileForecast forecast = forecast(id, Canonical.CPU_PROCESS, newest,
        signals.recent(id.primaryId(), Canonical.CPU_PROCESS, newest, PERIODIC_WINDOW));
    if (forecast == null) {
      plan = cpuPolicy.planWithoutForecast(false, cpu, usage, notReady, "cores");
      model = "-";
    } else {
      plan = explained(cpuPolicy.plan(
          new Policy.Inputs(false, cpu, usage, forecast, 0, now, last(id, Resource.CPU)), "cores"), forecast);
      model = forecast.model();
    }
    act(id, Resource.CPU, plan, cpu, usage, allocator, target, where, model, Allocation::cpu);
  }

  /**
   * Disk read or write bandwidth, decided as CPU is: the forecast peak of the agent's {@code
   * io.disk.read}/{@code io.disk.write} over the lead plus headroom, never below what the primary
   * reads or writes now, raised x1.5 while it is held at the limit, and never below manage-io-min,
   * the floor that keeps a throttle from starving it.
   */
  private void decideDisk(PrimaryIdentity id, Instant now, Allocator allocator, Target target, String where,
      Resource resource, Canonical series, java.util.OptionalLong limit, java.util.function.DoubleFunction<Allocation> amount) {
    OptionalDouble current = limit.isPresent() ? OptionalDouble.of(limit.getAsLong()) : OptionalDouble.empty();
    long newest = fresh(id, resource, series, now, current, where);
    if (newest == Long.MIN_VALUE) {
      return;
    }
    double usage = max(signals.recent(id.primaryId(), series, newest, USAGE_WINDOW));
    QuantileForecast forecast = forecast(id, series, newest, signals.recent(id.primaryId(), series, newest, PERIODIC_WINDOW));
    Policy.Plan plan = forecast == null
        ? ioPolicy.planWithoutForecast(false, current, usage, notReady, "bytes/s")
        : explained(ioPolicy.plan(new Policy.Inputs(false, current, usage, forecast, 0, now, last(id, resource)), "bytes/s"),
            forecast);
    if (plan.action() != Action.HOLD && plan.desired() <= config.ioMin()) {
      plan = new Policy.Plan(plan.action(), plan.desired(), plan.predicted(), plan.probability(), plan.reason()
          + " (the floor manage-io-min)");
    }
    act(id, resource, plan, current, usage, allocator, target, where, forecast == null ? "-" : forecast.model(), amount);
  }

  private void decideMemory(PrimaryIdentity id, Instant now, Allocator allocator, Target target, String where,
      Allocation current) {
    OptionalDouble memory = current.memoryBytes().isPresent()
        ? OptionalDouble.of(current.memoryBytes().getAsLong()) : OptionalDouble.empty();
    long newest = fresh(id, Resource.MEMORY, Canonical.MEM_RSS, now, memory, where);
    if (newest == Long.MIN_VALUE) {
      return;
    }
    double usage = max(signals.recent(id.primaryId(), Canonical.MEM_RSS, newest, USAGE_WINDOW));
    Policy.Plan plan;
    String model;
    double[] rssHistory = signals.recent(id.primaryId(), Canonical.MEM_RSS, newest, PERIODIC_WINDOW);
    QuantileForecast forecast = forecast(id, Canonical.MEM_RSS, newest, rssHistory);
    if (forecast == null) {
      plan = memoryPolicy.planWithoutForecast(true, memory, usage, notReady, "bytes");
      model = "-";
    } else {
      Optional<JvmMemory> jvmNeed = jvmMemory(id, newest);
      // A JVM's RSS can jump faster than this loop reacts (a live set growing by 80 MiB did in
      // 0.1 s, and the primary was OOM-killed at a limit 38 MiB above its RSS): the limit keeps
      // room above the RSS for the largest rise seen within a reaction time (lead + period).
      double rise = largestRise(rssHistory, (int) (config.lead().toSeconds() + config.every().toSeconds()));
      double floor = jvmNeed.map(m -> Math.max(m.needBytes(), m.rssBytes() + rise)).orElse(0.0);
      // A JVM's heap cannot outgrow MaxHeapSize: its RSS tops out near that plus off-heap, whatever
      // a forecast extrapolated from its growth says.
      double ceiling = id.jvm().maxHeapBytes() > 0 && jvmNeed.isPresent()
          ? id.jvm().maxHeapBytes() + jvmNeed.get().offHeapBytes() : Double.POSITIVE_INFINITY;
      plan = explained(memoryPolicy.plan(new Policy.Inputs(true, memory, usage, forecast, floor, now,
          last(id, Resource.MEMORY), ceiling), "bytes"), forecast);
      if (jvmNeed.isPresent()) {
        JvmMemory m = jvmNeed.get();
        plan = new Policy.Plan(plan.action(), plan.desired(), plan.predicted(), plan.probability(), plan.reason()
            + String.format(java.util.Locale.ROOT, " [JVM: live set %s, off-heap %s, room for growth %s (the largest "
                + "rise of the RSS within %d s in the last %d s)]", Policy.fmt(m.liveSetBytes(), "bytes"),
                Policy.fmt(m.offHeapBytes(), "bytes"), Policy.fmt(rise, "bytes"),
                config.lead().toSeconds() + config.every().toSeconds(), PERIODIC_WINDOW));
      }
      plan = heldWhileGrowing(plan, memory.orElse(Double.NaN),
          signals.recent(id.primaryId(), Canonical.MEM_RSS, newest, GROWTH_WINDOW));
      model = forecast.model();
    }
    act(id, Resource.MEMORY, plan, memory, usage, allocator, target, where, model,
        bytes -> Allocation.memory((long) bytes));
  }

  /**
   * The heap: raise the soft bound when the live set grows past it; shrink it (lower the bound,
   * set the heap free ratios, request a GC) so that the JVM returns memory and the memory limit
   * can follow.
   *
   * <p>A shrink is also how the live set is measured. G1 leaves the garbage of a live set that
   * shrank in old regions that no young collection visits, and starts no concurrent cycle while
   * the old generation stays under its threshold, so the heap's troughs can stay far above the
   * live set for as long as the JVM runs (measured: 226 MiB after every GC for a live set of
   * 40 MiB; nothing in the heap series tells dead old objects from live ones). So the manager
   * shrinks on a schedule, not only when the JVM visibly holds more than it needs: once a
   * cooldown has passed since the primary was first seen or last shrunk, and never while its RSS
   * is growing. On G1 before JDK 26 the shrink is a full collection ({@code System.gc()}), which
   * shows the real live set in the troughs and returns the memory above the free ratio. Each
   * shrink is judged {@link #RECLAIM_SETTLE} later against the RSS and live set before it: one
   * that returned memory or showed a smaller live set keeps the cooldown as the pace (a live set
   * that is falling is measured again soon); one that returned less than {@link #RECLAIM_GAIN}
   * (while the live set did not grow) doubles it, up to {@link #RECLAIM_BACKOFF_MAX}, so a JVM
   * that needs what it holds is collected rarely; with {@code manage-jvm=false}, never.
   */
  private void decideHeap(PrimaryIdentity id, Instant now, Allocator heapAllocator, Target target, String where) {
    long newest = signals.newestSecond(id.primaryId(), Canonical.MEM_HEAP_USED);
    if (newest == Long.MIN_VALUE || now.getEpochSecond() - newest > STALE.toSeconds()) {
      return; // memory's own decision already says the telemetry is missing
    }
    Optional<JvmMemory> need = jvmMemory(id, newest);
    if (need.isEmpty()) {
      return;
    }
    JvmMemory m = need.get();
    double heapNow;
    try {
      heapNow = heapAllocator.current(target).heapBytes().orElse(Long.MAX_VALUE);
    } catch (AllocatorException e) {
      record(id, Resource.HEAP, Action.REFUSED, Double.NaN, m.heapTargetBytes(), Double.NaN, Double.NaN,
          m.rssBytes(), false, where, "live-set", "cannot read the heap bound (" + e.reason() + "): " + e.getMessage());
      return;
    }
    double maxHeap = id.jvm().maxHeapBytes() > 0 ? id.jvm().maxHeapBytes() : Double.MAX_VALUE;
    double desired = Math.min(maxHeap, m.heapTargetBytes());
    if (desired >= heapNow && ignoresHeapBound(id)) {
      // the troughs (which may be old garbage) ask for all of a heap whose bound the collector
      // ignores anyway: a shrink still collects, and only the collection tells the live set
      desired = heapNow * (1 - config.band());
    }
    String facts = String.format(java.util.Locale.ROOT, "live set %s, off-heap %s, need %s, RSS %s",
        Policy.fmt(m.liveSetBytes(), "bytes"), Policy.fmt(m.offHeapBytes(), "bytes"),
        Policy.fmt(m.needBytes(), "bytes"), Policy.fmt(m.rssBytes(), "bytes"));
    Reclaim reclaim = reclaims.get(id.primaryId());
    if (reclaim != null && !reclaim.judged() && !now.isBefore(reclaim.at().plus(RECLAIM_SETTLE))) {
      boolean returned = m.rssBytes() <= reclaim.rssBefore() * (1 - RECLAIM_GAIN);
      boolean liveFell = m.liveSetBytes() <= reclaim.liveBefore() * (1 - RECLAIM_GAIN)
          && reclaim.liveBefore() - m.liveSetBytes() >= RECLAIM_LIVE_MIN; // not a small heap's wobble
      boolean liveGrew = m.liveSetBytes() > reclaim.liveBefore() * (1 + RECLAIM_GAIN);
      Duration pause = returned || liveFell ? config.cooldown()
          : liveGrew ? reclaim.pause() : min(RECLAIM_BACKOFF_MAX, reclaim.pause().multipliedBy(2));
      reclaims.put(id.primaryId(), new Reclaim(reclaim.at(), reclaim.rssBefore(), reclaim.liveBefore(), pause, true));
      String outcome = returned ? "returned memory"
          : liveFell ? "showed a smaller live set (" + Policy.fmt(reclaim.liveBefore(), "bytes") + " -> "
              + Policy.fmt(m.liveSetBytes(), "bytes") + ") but returned little"
          : liveGrew ? "returned little, but the live set grew meanwhile"
          : "returned less than " + Math.round(RECLAIM_GAIN * 100) + " %";
      record(id, Resource.HEAP, Action.HOLD, heapNow, heapNow, m.heapTargetBytes(), Double.NaN, m.rssBytes(), false,
          where, "live-set", facts + "; the heap shrink " + Duration.between(reclaim.at(), now).toSeconds() + " s ago "
              + outcome + ": RSS " + Policy.fmt(reclaim.rssBefore(), "bytes") + " -> " + Policy.fmt(m.rssBytes(), "bytes")
              + "; the next in " + pause.toSeconds() + " s at the earliest");
      return;
    }
    double[] rss = signals.recent(id.primaryId(), Canonical.MEM_RSS, newest, GROWTH_WINDOW);
    boolean growing = growing(rss);
    Instant nextReclaim = reclaim == null ? last(id, Resource.HEAP).orElse(now).plus(config.cooldown())
        : reclaim.at().plus(reclaim.judged() ? reclaim.pause() : RECLAIM_SETTLE);
    Optional<Instant> last = last(id, Resource.HEAP);
    boolean cooled = last.isEmpty() || !now.isBefore(last.get().plus(config.cooldown()));
    boolean due = cooled && !now.isBefore(nextReclaim) && !growing;
    Action action;
    if (desired > heapNow * (1 + Policy.UP_BAND)) {
      action = Action.SCALE_UP;
    } else if (due && desired < heapNow) {
      action = Action.SCALE_DOWN;
    } else {
      String waiting = growing ? "; no shrink while the RSS grows"
          : now.isBefore(nextReclaim) || !cooled ? "; next shrink not before "
              + nextReclaim.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : "";
      record(id, Resource.HEAP, Action.HOLD, heapNow, heapNow, m.heapTargetBytes(), Double.NaN, m.rssBytes(), false,
          where, "live-set", facts + waiting);
      return;
    }
    boolean holdsTooMuch = m.rssBytes() > m.needBytes() * (1 + config.band());
    String reason = facts + ": heap bound " + Policy.fmt(heapNow, "bytes") + " -> " + Policy.fmt(desired, "bytes")
        + (action == Action.SCALE_UP ? ""
            : holdsTooMuch ? " so the JVM returns what it holds beyond its need"
            : " to check the live set (troughs overstate it while old garbage stays) and return what is above it");
    Policy.Plan plan = new Policy.Plan(action, desired, m.heapTargetBytes(), Double.NaN, reason);
    boolean sent = act(id, Resource.HEAP, plan, OptionalDouble.of(heapNow), m.rssBytes(), heapAllocator, target, where,
        "live-set", bytes -> Allocation.heap((long) bytes));
    if (sent && action == Action.SCALE_DOWN) {
      reclaims.put(id.primaryId(), new Reclaim(now, m.rssBytes(), m.liveSetBytes(),
          reclaim == null ? config.cooldown() : reclaim.pause(), false));
    }
  }

  /** Whether the primary's collector ignores SoftMaxHeapSize (G1 before JDK 26, Parallel, Serial). */
  private static boolean ignoresHeapBound(PrimaryIdentity id) {
    try {
      return !dev.umbra.allocator.jvm.GarbageCollector.fromMxBeanNames(id.jvm().garbageCollectors())
          .honoursSoftMaxHeapSize(dev.umbra.allocator.jvm.JvmFacts.featureVersion(id.jvm().javaVersion()));
    } catch (RuntimeException e) {
      return false; // an unknown version or collector: keep to the troughs
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private Optional<JvmMemory> jvmMemory(PrimaryIdentity id, long newest) {
    String p = id.primaryId();
    return JvmMemory.estimate(
        signals.recent(p, Canonical.MEM_HEAP_USED, newest, LIVE_SET_WINDOW),
        signals.recent(p, Canonical.MEM_HEAP_COMMITTED, newest, LIVE_SET_WINDOW),
        signals.recent(p, Canonical.MEM_RSS, newest, LIVE_SET_WINDOW),
        signals.recent(p, Canonical.MEM_NONHEAP, newest, LIVE_SET_WINDOW));
  }

  /** The newest second of the series, or MIN_VALUE after recording a hold when it is missing or stale. */
  private long fresh(PrimaryIdentity id, Resource resource, Canonical series, Instant now, OptionalDouble current,
      String where) {
    long newest = signals.newestSecond(id.primaryId(), series);
    if (newest == Long.MIN_VALUE || now.getEpochSecond() - newest > STALE.toSeconds()) {
      double c = current.orElse(Double.NaN);
      record(id, resource, Action.HOLD, c, c, Double.NaN, Double.NaN, Double.NaN, false, where, "-",
          newest == Long.MIN_VALUE ? "no " + series + " telemetry yet"
              : "no fresh " + series + " telemetry (newest " + (now.getEpochSecond() - newest) + " s old)");
      return Long.MIN_VALUE;
    }
    return newest;
  }

  /**
   * A memory scale-down waits while the RSS is still growing (the peak of the newest third of
   * {@link #GROWTH_WINDOW} more than {@link #GROWING} above that of the oldest third): a JVM
   * growing into its heap takes memory faster than a 2 s loop can give it back, and a forecast
   * from a short, rising history (the VPA fallback's) lags the growth; the memory run was
   * OOM-killed so, 30 s after start, its limit lowered to 467 MiB while the RSS rose 428 -> 459 MiB.
   */
  static Policy.Plan heldWhileGrowing(Policy.Plan plan, double current, double[] rss) {
    if (plan.action() != Action.SCALE_DOWN || !growing(rss)) {
      return plan;
    }
    int third = rss.length / 3;
    double old = max(java.util.Arrays.copyOfRange(rss, 0, third));
    double recent = max(java.util.Arrays.copyOfRange(rss, rss.length - third, rss.length));
    return new Policy.Plan(Action.HOLD, current, plan.predicted(), plan.probability(), "would scale down ("
        + plan.reason() + ") but the RSS is still growing: " + Policy.fmt(old, "bytes") + " -> "
        + Policy.fmt(recent, "bytes") + " in " + rss.length + " s");
  }

  /** The largest rise of {@code values} (NaN where missing) from any second to the peak of the {@code seconds} after it. */
  static double largestRise(double[] values, int seconds) {
    double rise = 0;
    for (int i = 0; i < values.length; i++) {
      if (Double.isNaN(values[i])) {
        continue;
      }
      for (int j = i + 1; j <= Math.min(values.length - 1, i + seconds); j++) {
        if (!Double.isNaN(values[j])) {
          rise = Math.max(rise, values[j] - values[i]);
        }
      }
    }
    return rise;
  }

  /** Whether the peak of the newest third of {@code rss} is more than {@link #GROWING} above that of the oldest. */
  static boolean growing(double[] rss) {
    if (rss.length < 3) {
      return false;
    }
    int third = rss.length / 3;
    double old = max(java.util.Arrays.copyOfRange(rss, 0, third));
    double recent = max(java.util.Arrays.copyOfRange(rss, rss.length - third, rss.length));
    return !Double.isNaN(old) && !Double.isNaN(recent) && recent > old * (1 + GROWING);
  }

  /** The plan's reason with where a periodic forecast came from (period, correlation). */
  private static Policy.Plan explained(Policy.Plan plan, QuantileForecast f) {
    if (!f.model().equals(Periodicity.MODEL) || f.selection().isEmpty()) {
      return plan;
    }
    return new Policy.Plan(plan.action(), plan.desired(), plan.predicted(), plan.probability(),
        plan.reason() + " [" + f.selection().get() + "]");
  }

  /** Why the last {@link #forecast} call returned null; only read on the manager thread. */
  private String notReady = "";

  /**
   * The forecast of the peak over the lead time: from the demand's own period when it repeats
   * ({@link Periodicity}), else from the forecast models; null, with {@link #notReady} saying
   * why, when neither can forecast yet. {@code history} is the series' last {@link #PERIODIC_WINDOW}
   * seconds, read once per decision (memory also takes its largest rise from it).
   */
  private QuantileForecast forecast(PrimaryIdentity id, Canonical series, long newest, double[] history) {
    Optional<QuantileForecast> periodic = Periodicity.forecast(series.seriesName().value(),
        history, Instant.ofEpochSecond(newest), horizon, levels);
    if (periodic.isPresent()) {
      return periodic.get();
    }
    try {
      return signals.forecast(id.primaryId(), series, horizon, levels);
    } catch (InsufficientHistoryException | IllegalArgumentException e) {
      notReady = "forecast of " + series + " not ready: " + e.getMessage();
      return null;
    }
  }

  /** Records the plan and, in auto mode, applies it; true when the allocator took the change without an error. */
  private boolean act(PrimaryIdentity id, Resource resource, Policy.Plan plan, OptionalDouble current, double usage,
      Allocator allocator, Target target, String where, String model, java.util.function.DoubleFunction<Allocation> amount) {
    double c = current.orElse(Double.NaN);
    String name = allocatorName(allocator);
    if (plan.action() == Action.HOLD || plan.action() == Action.REFUSED) {
      record(id, resource, plan.action(), c, plan.desired(), plan.predicted(), plan.probability(), usage, false,
          where, model, plan.reason(), name);
      return false;
    }
    if (config.mode() != ShadowConfig.Manage.Mode.AUTO) {
      record(id, resource, Action.RECOMMEND, c, plan.desired(), plan.predicted(), plan.probability(), usage, false,
          where, model, "would " + plan.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": "
              + plan.reason() + " (mode recommend; nothing applied)", name);
      return false;
    }
    try {
      ApplyResult result = allocator.apply(target, amount.apply(plan.desired()));
      if (result.status() != ApplyResult.Status.INFEASIBLE) {
        lastChange.computeIfAbsent(id.primaryId(), k -> new EnumMap<>(Resource.class)).put(resource, clock.instant());
      }
      record(id, resource, plan.action(), c, plan.desired(), plan.predicted(), plan.probability(), usage,
          result.tookEffect(), where, model, plan.reason() + "; " + result.status() + ": " + result.reason(), name);
      return result.status() != ApplyResult.Status.INFEASIBLE;
    } catch (AllocatorException e) {
      record(id, resource, Action.REFUSED, c, plan.desired(), plan.predicted(), plan.probability(), usage, false,
          where, model, "wanted: " + plan.reason() + "; refused by " + name + " (" + e.reason() + "): " + e.getMessage(), name);
      return false;
    }
  }

  private String allocatorName(Allocator allocator) {
    return jvm.isPresent() && allocator == jvm.get() ? "jvm" : main.name();
  }

  private void refuseAll(PrimaryIdentity id, String where, String reason) {
    for (Resource r : new Resource[] {Resource.CPU, Resource.MEMORY}) {
      record(id, r, Action.REFUSED, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, where, "-", reason);
    }
  }

  /** The last change of the resource, or when the primary was first seen: the cooldown runs from either. */
  private Optional<Instant> last(PrimaryIdentity id, Resource resource) {
    EnumMap<Resource, Instant> m = lastChange.get(id.primaryId());
    Instant changed = m == null ? null : m.get(resource);
    return Optional.ofNullable(changed != null ? changed : firstSeen.get(id.primaryId()));
  }

  private void record(PrimaryIdentity id, Resource resource, Action action, double current, double desired,
      double predicted, double probability, double usage, boolean applied, String where, String model, String reason) {
    record(id, resource, action, current, desired, predicted, probability, usage, applied, where, model, reason,
        resource == Resource.HEAP && jvm.isPresent() ? "jvm" : main.name());
  }

  private void record(PrimaryIdentity id, Resource resource, Action action, double current, double desired,
      double predicted, double probability, double usage, boolean applied, String where, String model, String reason,
      String allocator) {
    log.add(new Decision(log.nextId(), id.primaryId(), resource, clock.instant(), action, current, desired, predicted,
        probability, usage, allocator, applied, where, model, reason));
  }

  private static double max(double[] values) {
    double m = Double.NaN;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        m = Double.isNaN(m) ? v : Math.max(m, v);
      }
    }
    return m;
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    main.allocator().ifPresent(Allocator::close);
    jvm.ifPresent(Allocator::close);
  }
}
