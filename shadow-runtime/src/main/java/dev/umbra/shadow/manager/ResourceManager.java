package dev.umbra.shadow.manager;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import dev.umbra.shadow.config.ShadowConfig;
import dev.umbra.shadow.forecast.live.PrimaryForecasts;
import dev.umbra.shadow.ingest.JvmFlagsSessionChannel;
import dev.umbra.shadow.ingest.PrimaryIdentity;
import dev.umbra.shadow.ingest.PrimarySession;
import dev.umbra.shadow.ingest.PrimaryState;
import dev.umbra.shadow.ingest.Sessions;
import dev.umbra.shadow.manager.Decision.Action;
import dev.umbra.shadow.manager.Decision.Resource;
import dev.umbra.shadow.series.Canonical;
import dev.umbra.shadow.series.SeriesStore;
import dev.umbra.shadow.threads.ShadowThreads;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource manager's loop: every {@code manage-every}, for each connected primary, it reads
 * the telemetry and forecasts ({@link DemandReader}), asks one pure decider per resource the
 * allocator sets ({@link CpuDecider}, {@link MemoryDecider}; with {@code manage-io}, {@link
 * DiskDecider} for disk read and write bandwidth; with the {@code jvm} allocator, {@link
 * HeapDecider}), applies the plan in auto mode and records each decision in the {@link
 * DecisionLog}. {@link #start} is where it is wired.
 * Runs on one {@code umbra-manager} thread; {@link #tick()} is also what tests call.
 */
public final class ResourceManager implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ResourceManager.class);
  /**
   * What the loop works with.
   *
   * @param primaries the primaries to decide for, asked once per tick
   * @param main the configured allocator, or why it could not be opened
   * @param jvm the {@code jvm} allocator for the heap, where it is not the main one
   */
  record Parts(ShadowConfig.Manage config, Supplier<Collection<PrimaryIdentity>> primaries, TelemetrySource telemetry,
      DecisionLog log, Clock clock, AllocatorLoader.Loaded main, Optional<Allocator> jvm, TargetResolver resolver) {
    Parts {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(primaries, "primaries");
      Objects.requireNonNull(telemetry, "telemetry");
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(main, "main");
      Objects.requireNonNull(jvm, "jvm");
      Objects.requireNonNull(resolver, "resolver");
    }
  }

  /** One primary in one tick: who, when, and where its allocation is. */
  private record Round(PrimaryIdentity id, Instant now, Allocator allocator, Target target, String where) {}

  /** What a decision is recorded with besides its plan. */
  private record Facts(OptionalDouble current, double usage, String model) {}

  private final Parts parts;
  private final ShadowConfig.Manage config;
  private final DemandReader reader;
  private final CpuDecider cpu;
  private final MemoryDecider memory;
  private final DiskDecider disk;
  private final HeapDecider heap;
  /**
   * Each primary's last change per resource: the manager's own, and the action policy's scale-ups
   * on anomalies ({@link #heard}), which run on another thread.
   */
  private final Map<String, Map<Resource, Instant>> lastChange = new ConcurrentHashMap<>();
  /**
   * When the manager first decided about each primary: until a cooldown has passed since, nothing
   * is scaled down. A forecast from a few seconds of a JVM starting up (the VPA fallback's) is no
   * reason to halve a limit the JVM is about to grow into; the last memory run was OOM-killed so.
   */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
  /** Each primary's last heap shrink: the {@link HeapDecider}'s state between ticks. */
  private final Map<String, HeapDecider.Reclaim> reclaims = new ConcurrentHashMap<>();
  private ScheduledExecutorService executor;

  ResourceManager(Parts parts) {
    this.parts = Objects.requireNonNull(parts, "parts");
    this.config = parts.config();
    this.reader = new DemandReader(parts.telemetry(), config.lead(), config.confidence());
    this.cpu = CpuDecider.of(config);
    this.memory = MemoryDecider.of(config);
    this.disk = DiskDecider.of(config);
    this.heap = HeapDecider.of(config);
    parts.log().subscribe(this::heard);
  }

  /**
   * A scale-up that the action policy applied on an anomaly ({@code umbra serve --act}) starts the
   * resource's cooldown as the manager's own changes do: the manager does not take back on its
   * next tick what was just raised for a fault (docs/resource-manager.md, "Scale-ups on anomalies").
   */
  private void heard(Decision d) {
    if (d.model().equals(ActionAudit.MODEL) && d.action() == Action.SCALE_UP && d.applied()) {
      changed(d.primaryId(), d.resource(), d.at());
    }
  }

  private void changed(String primaryId, Resource resource, Instant at) {
    lastChange.computeIfAbsent(primaryId, k -> new ConcurrentHashMap<>()).put(resource, at);
  }

  /**
   * Wires and starts the manager of a shadow: its connected primaries, the live forecasts and
   * store as telemetry, the configured allocator (and the {@code jvm} one for the heap, with the
   * {@link HeapDecider#JVM_SETTINGS}), the agents' streams as the {@code jvm} allocator's channel.
   * An allocator that cannot be opened does not stop the shadow: every decision is then refused
   * with the reason, in the log and the audit.
   */
  public static ResourceManager start(ShadowConfig.Manage config, Sessions sessions, PrimaryForecasts forecasts,
      SeriesStore store, DecisionLog log, Clock clock) {
    Supplier<Collection<PrimaryIdentity>> connected = () -> sessions.all().stream()
        .filter(s -> s.state() == PrimaryState.CONNECTED)
        .map(PrimarySession::identity)
        .toList();
    AllocatorLoader loader = new AllocatorLoader(ResourceManager.class.getClassLoader(), clock,
        Optional.of(new JvmFlagsSessionChannel(sessions)));
    AllocatorLoader.Loaded main = loader.load(config.allocator(), config.allocatorSettings());
    Optional<Allocator> jvm = Optional.empty();
    if (config.jvm() && !config.allocator().equals("jvm")) {
      AllocatorLoader.Loaded j = loader.load("jvm", HeapDecider.JVM_SETTINGS);
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
    ResourceManager manager = new ResourceManager(new Parts(config, connected, TelemetrySource.of(forecasts, store),
        log, clock, main, jvm, new TargetResolver(TargetResolver.localHostName(), Path.of("/proc"), config.pod())));
    manager.executor = Executors.newSingleThreadScheduledExecutor(ShadowThreads.factory("manager", true));
    long period = config.every().toMillis();
    manager.executor.scheduleWithFixedDelay(manager::tickSafely, period, period, TimeUnit.MILLISECONDS);
    return manager;
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
    for (PrimaryIdentity identity : parts.primaries().get()) {
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
    Instant now = parts.clock().instant();
    firstSeen.putIfAbsent(id.primaryId(), now);
    if (parts.main().allocator().isEmpty()) {
      refuseAll(id, "-", parts.main().failure() + "; nothing applied");
      return;
    }
    Allocator allocator = parts.main().allocator().get();
    Target target;
    try {
      target = parts.resolver().resolve(id);
    } catch (AllocatorException e) {
      refuseAll(id, "-", e.getMessage());
      return;
    }
    String where = parts.resolver().describe(target);
    Allocation current;
    try {
      current = allocator.current(target);
    } catch (AllocatorException e) {
      refuseAll(id, where, "cannot read the allocation (" + e.reason() + "): " + e.getMessage() + "; nothing applied");
      return;
    }
    Round r = new Round(id, now, allocator, target, where);
    Set<ResourceKind> kinds = allocator.supports();
    if (kinds.contains(ResourceKind.CPU)) {
      read(r, Resource.CPU, Canonical.CPU_PROCESS, current.cpuCores()).ifPresent(
          d -> act(r, Resource.CPU, cpu.decide(d), facts(d), allocator, Allocation::cpu));
    }
    if (kinds.contains(ResourceKind.MEMORY)) {
      decideMemory(r, bytes(current.memoryBytes()));
    }
    if (config.io() && kinds.contains(ResourceKind.DISK_READ)) {
      read(r, Resource.DISK_READ, Canonical.IO_DISK_READ, bytes(current.diskReadBytesPerSecond())).ifPresent(
          d -> act(r, Resource.DISK_READ, disk.decide(d), facts(d), allocator,
              bps -> Allocation.diskRead((long) bps)));
    }
    if (config.io() && kinds.contains(ResourceKind.DISK_WRITE)) {
      read(r, Resource.DISK_WRITE, Canonical.IO_DISK_WRITE, bytes(current.diskWriteBytesPerSecond())).ifPresent(
          d -> act(r, Resource.DISK_WRITE, disk.decide(d), facts(d), allocator,
              bps -> Allocation.diskWrite((long) bps)));
    }
    Optional<Allocator> heapAllocator = kinds.contains(ResourceKind.HEAP) ? Optional.of(allocator) : parts.jvm();
    heapAllocator.ifPresent(h -> decideHeap(r, h));
  }

  private void decideMemory(Round r, OptionalDouble current) {
    String p = r.id().primaryId();
    DemandReader.Reading rss = reader.read(p, Canonical.MEM_RSS, current, r.now(), last(r.id(), Resource.MEMORY));
    Optional<Demand> demand = fresh(r, Resource.MEMORY, current, rss);
    if (demand.isPresent()) {
      Policy.Plan plan = memory.decide(reader.memory(p, rss, demand.get(), r.id().jvm().maxHeapBytes()));
      act(r, Resource.MEMORY, plan, facts(demand.get()), r.allocator(), bytes -> Allocation.memory((long) bytes));
    }
  }

  private void decideHeap(Round r, Allocator heapAllocator) {
    String p = r.id().primaryId();
    OptionalLong newest = reader.freshHeapSecond(p, r.now());
    if (newest.isEmpty()) {
      return; // memory's own decision already says the telemetry is missing
    }
    Optional<JvmMemory> need = reader.jvmMemory(p, newest.getAsLong());
    if (need.isEmpty()) {
      return;
    }
    JvmMemory m = need.get();
    double heapNow;
    try {
      heapNow = heapAllocator.current(r.target()).heapBytes().orElse(Long.MAX_VALUE);
    } catch (AllocatorException e) {
      audit(r.id(), r.where(), Resource.HEAP, Action.REFUSED,
          new Policy.Plan(Action.REFUSED, m.heapTargetBytes(), Double.NaN, Double.NaN, ""),
          new Facts(OptionalDouble.empty(), m.rssBytes(), HeapDecider.MODEL), defaultAllocatorName(Resource.HEAP),
          false, "cannot read the heap bound (" + e.reason() + "): " + e.getMessage());
      return;
    }
    HeapDecider.Step step = heap.decide(new HeapDecider.Input(m, heapNow, r.id().jvm().maxHeapBytes(),
        HeapDecider.ignoresHeapBound(r.id()), reader.rssGrowth(p, newest.getAsLong()), r.now(),
        last(r.id(), Resource.HEAP), Optional.ofNullable(reclaims.get(p))));
    Facts facts = new Facts(OptionalDouble.of(heapNow), m.rssBytes(), HeapDecider.MODEL);
    Policy.Plan plan = step.plan();
    if (plan.action() == Action.HOLD) {
      audit(r.id(), r.where(), Resource.HEAP, Action.HOLD, plan, facts, defaultAllocatorName(Resource.HEAP), false,
          plan.reason());
      step.reclaim().ifPresent(reclaim -> reclaims.put(p, reclaim));
      return;
    }
    boolean sent = act(r, Resource.HEAP, plan, facts, heapAllocator, bytes -> Allocation.heap((long) bytes));
    if (sent) {
      step.reclaim().ifPresent(reclaim -> reclaims.put(p, reclaim));
    }
  }

  /** The demand of a resource from its series; empty, after recording a hold, when it is missing or stale. */
  private Optional<Demand> read(Round r, Resource resource, Canonical series, OptionalDouble current) {
    return fresh(r, resource, current,
        reader.read(r.id().primaryId(), series, current, r.now(), last(r.id(), resource)));
  }

  private Optional<Demand> fresh(Round r, Resource resource, OptionalDouble current, DemandReader.Reading reading) {
    if (reading.demand().isEmpty()) {
      double c = current.orElse(Double.NaN);
      audit(r.id(), r.where(), resource, Action.HOLD, new Policy.Plan(Action.HOLD, c, Double.NaN, Double.NaN, ""),
          new Facts(current, Double.NaN, "-"), defaultAllocatorName(resource), false, reading.missing());
    }
    return reading.demand();
  }

  /** Records the plan and, in auto mode, applies it; true when the allocator took the change without an error. */
  private boolean act(Round r, Resource resource, Policy.Plan plan, Facts facts, Allocator allocator,
      DoubleFunction<Allocation> amount) {
    String name = parts.jvm().isPresent() && allocator == parts.jvm().get() ? "jvm" : parts.main().name();
    if (plan.action() == Action.HOLD || plan.action() == Action.REFUSED) {
      audit(r.id(), r.where(), resource, plan.action(), plan, facts, name, false, plan.reason());
      return false;
    }
    if (config.mode() != ShadowConfig.Manage.Mode.AUTO) {
      audit(r.id(), r.where(), resource, Action.RECOMMEND, plan, facts, name, false, "would "
          + plan.action().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + plan.reason()
          + " (mode recommend; nothing applied)");
      return false;
    }
    try {
      ApplyResult result = allocator.apply(r.target(), amount.apply(plan.desired()));
      boolean taken = result.status() != ApplyResult.Status.INFEASIBLE;
      if (taken) {
        changed(r.id().primaryId(), resource, parts.clock().instant());
      }
      audit(r.id(), r.where(), resource, plan.action(), plan, facts, name, result.tookEffect(),
          plan.reason() + "; " + result.status() + ": " + result.reason());
      return taken;
    } catch (AllocatorException e) {
      audit(r.id(), r.where(), resource, Action.REFUSED, plan, facts, name, false,
          "wanted: " + plan.reason() + "; refused by " + name + " (" + e.reason() + "): " + e.getMessage());
      return false;
    }
  }

  private void refuseAll(PrimaryIdentity id, String where, String reason) {
    Policy.Plan none = new Policy.Plan(Action.REFUSED, Double.NaN, Double.NaN, Double.NaN, reason);
    Facts unknown = new Facts(OptionalDouble.empty(), Double.NaN, "-");
    for (Resource r : new Resource[] {Resource.CPU, Resource.MEMORY}) {
      audit(id, where, r, Action.REFUSED, none, unknown, defaultAllocatorName(r), false, reason);
    }
  }

  /** The last change of the resource, or when the primary was first seen: the cooldown runs from either. */
  private Optional<Instant> last(PrimaryIdentity id, Resource resource) {
    Map<Resource, Instant> m = lastChange.get(id.primaryId());
    Instant changed = m == null ? null : m.get(resource);
    return Optional.ofNullable(changed != null ? changed : firstSeen.get(id.primaryId()));
  }

  /** The allocator a decision that was not sent to one is recorded under. */
  private String defaultAllocatorName(Resource resource) {
    return resource == Resource.HEAP && parts.jvm().isPresent() ? "jvm" : parts.main().name();
  }

  private void audit(PrimaryIdentity id, String where, Resource resource, Action action, Policy.Plan plan, Facts facts,
      String allocator, boolean applied, String reason) {
    DecisionLog log = parts.log();
    log.add(new Decision(log.nextId(), id.primaryId(), resource, parts.clock().instant(), action,
        facts.current().orElse(Double.NaN), plan.desired(), plan.predicted(), plan.probability(), facts.usage(),
        allocator, applied, where, facts.model(), reason));
  }

  private static Facts facts(Demand d) {
    return new Facts(d.current(), d.usage(), d.model());
  }

  private static OptionalDouble bytes(OptionalLong value) {
    return value.isPresent() ? OptionalDouble.of(value.getAsLong()) : OptionalDouble.empty();
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
    parts.main().allocator().ifPresent(Allocator::close);
    parts.jvm().ifPresent(Allocator::close);
  }
}
