package dev.umbra.allocator.jvm;

import static dev.umbra.allocator.Allocation.formatBytes;

import dev.umbra.allocator.Allocation;
import dev.umbra.allocator.Allocator;
import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.ApplyResult;
import dev.umbra.allocator.ApplyResult.Status;
import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.Target;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Sets SoftMaxHeapSize (and the configured heap free ratios) in a primary through its agent. */
final class JvmFlagsAllocator implements Allocator {

  private static final Set<ResourceKind> SUPPORTS = Set.of(ResourceKind.HEAP);

  /** Settings of one allocator; ratios empty when not configured. */
  record Settings(long minHeapBytes, OptionalInt minHeapFreeRatio, OptionalInt maxHeapFreeRatio, boolean gcOnShrink,
      Duration timeout) {}

  private final JvmFlagsChannel channel;
  private final Settings settings;

  JvmFlagsAllocator(JvmFlagsChannel channel, Settings settings) {
    this.channel = channel;
    this.settings = settings;
  }

  @Override
  public Set<ResourceKind> supports() {
    return SUPPORTS;
  }

  /** The heap bound in force: SoftMaxHeapSize where the collector honours it, else MaxHeapSize. */
  @Override
  public Allocation current(Target target) throws AllocatorException {
    JvmFacts facts = await(channel.facts(target.primaryId()), target, "reading the JVM facts of");
    return Allocation.heap(effectiveBound(facts, facts.softMaxHeapBytes()));
  }

  @Override
  public ApplyResult apply(Target target, Allocation desired) throws AllocatorException {
    if (desired.diskReadBytesPerSecond().isPresent() || desired.diskWriteBytesPerSecond().isPresent()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "the jvm allocator cannot limit disk bandwidth: a JVM has no "
          + "setting for it (the cgroup allocator limits it for the primary's cgroup); nothing applied: " + desired);
    }
    if (desired.heapBytes().isEmpty() || desired.cpuCores().isPresent() || desired.memoryBytes().isPresent()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "the jvm allocator sets the heap only (cpu and memory go to the "
          + "cgroup or kubernetes allocator): " + desired);
    }
    long heap = desired.heapBytes().getAsLong();
    JvmFacts facts = await(channel.facts(target.primaryId()), target, "reading the JVM facts of");
    check(heap, facts, target);
    Map<String, String> flags = changedFlags(heap, facts);
    GarbageCollector gc = facts.collector();
    // Below the bound in force: below SoftMaxHeapSize where the collector keeps to it, below
    // MaxHeapSize where it does not (G1 before JDK 26, Parallel, Serial). There a collection is
    // the only way the JVM returns memory (it shrinks the heap by its free ratios), so each
    // shrink asks for one, also when no flag changes; the caller paces them.
    boolean shrinking = heap < effectiveBound(facts, facts.softMaxHeapBytes());
    boolean requestGc = shrinking && settings.gcOnShrink();
    if (flags.isEmpty() && !requestGc) {
      return result(facts, heap, false, "primary " + target.primaryId() + " already has SoftMaxHeapSize=" + formatBytes(heap));
    }
    FlagResult done = await(channel.apply(target.primaryId(), flags, requestGc), target, "sending ApplyJvmSettings to");
    if (!done.rejected().isEmpty()) {
      Reason reason = done.applied().isEmpty() ? Reason.REJECTED : Reason.PARTIAL;
      throw new AllocatorException(reason, "primary " + target.primaryId() + " (" + gc.displayName() + ", JDK "
          + facts.javaFeatureVersion() + ") refused " + done.rejected()
          + (done.applied().isEmpty() ? "; nothing applied" : "; applied " + done.applied()));
    }
    String sent = (flags.isEmpty() ? "requested a GC" : "set " + flags + (done.gcRequested() ? " and requested a GC" : ""))
        + " in primary " + target.primaryId();
    return result(facts, heap, true, sent);
  }

  private ApplyResult result(JvmFacts facts, long heap, boolean changed, String done) {
    GarbageCollector gc = facts.collector();
    String ratios = settings.minHeapFreeRatio().isPresent() || settings.maxHeapFreeRatio().isPresent()
        ? (gc.honoursHeapFreeRatios() ? "" : "; Min/MaxHeapFreeRatio are ignored by " + gc.displayName())
        : "";
    if (gc.honoursSoftMaxHeapSize(facts.javaFeatureVersion())) {
      return new ApplyResult(changed ? Status.APPLIED : Status.UNCHANGED, Allocation.heap(heap),
          done + "; " + gc.displayName() + " keeps the heap within it" + ratios);
    }
    String why = gc == GarbageCollector.G1
        ? "ignored by G1 before JDK 26 (this is JDK " + facts.javaFeatureVersion() + ")"
        : "ignored by " + gc.displayName();
    String returned = done.contains("requested a GC") && gc.honoursHeapFreeRatios()
        ? "; the GC lets it return memory down to its MaxHeapFreeRatio" : "";
    return new ApplyResult(Status.NO_EFFECT, Allocation.heap(facts.maxHeapBytes()), done + "; SoftMaxHeapSize is accepted but "
        + why + ", so the heap is still bounded only by MaxHeapSize=" + formatBytes(facts.maxHeapBytes()) + returned + ratios);
  }

  private static long effectiveBound(JvmFacts facts, long softMax) {
    return facts.collector().honoursSoftMaxHeapSize(facts.javaFeatureVersion()) ? softMax : facts.maxHeapBytes();
  }

  private void check(long heap, JvmFacts facts, Target target) throws AllocatorException {
    if (facts.javaFeatureVersion() < 13) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "primary " + target.primaryId() + " runs JDK "
          + facts.javaFeatureVersion() + ", which has no SoftMaxHeapSize (JDK 13+); nothing applied");
    }
    long minimum = Math.max(settings.minHeapBytes(), facts.minHeapBytes());
    if (heap < minimum) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "heap " + formatBytes(heap) + " is below the minimum of "
          + formatBytes(minimum) + " (setting minHeap or the JVM's MinHeapSize); nothing applied");
    }
    int maxRatio = settings.maxHeapFreeRatio().orElse(parse(facts.flags().get(JvmFlags.MAX_HEAP_FREE_RATIO), 70));
    if (settings.minHeapFreeRatio().isPresent() && settings.minHeapFreeRatio().getAsInt() > maxRatio) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "setting minHeapFreeRatio=" + settings.minHeapFreeRatio().getAsInt()
          + " is above the MaxHeapFreeRatio=" + maxRatio + " of primary " + target.primaryId() + ", which the JVM refuses; nothing applied");
    }
    if (heap > facts.maxHeapBytes()) {
      throw new AllocatorException(Reason.INVALID_REQUEST, "heap " + formatBytes(heap) + " is above MaxHeapSize="
          + formatBytes(facts.maxHeapBytes()) + " of primary " + target.primaryId()
          + ", which the JVM cannot raise at run time; nothing applied");
    }
  }

  /** The flags that differ from what is in force, ordered so that Min never exceeds Max in between. */
  private Map<String, String> changedFlags(long heap, JvmFacts facts) {
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> now = facts.flags();
    int currentMax = parse(now.get(JvmFlags.MAX_HEAP_FREE_RATIO), 70);
    OptionalInt min = settings.minHeapFreeRatio();
    OptionalInt max = settings.maxHeapFreeRatio();
    boolean raiseMaxFirst = min.isPresent() && min.getAsInt() > currentMax;
    if (raiseMaxFirst) {
      putIfChanged(flags, now, JvmFlags.MAX_HEAP_FREE_RATIO, max);
    }
    putIfChanged(flags, now, JvmFlags.MIN_HEAP_FREE_RATIO, min);
    if (!raiseMaxFirst) {
      putIfChanged(flags, now, JvmFlags.MAX_HEAP_FREE_RATIO, max);
    }
    if (heap != facts.softMaxHeapBytes()) {
      flags.put(JvmFlags.SOFT_MAX_HEAP_SIZE, Long.toString(heap));
    }
    return flags;
  }

  private static void putIfChanged(Map<String, String> flags, Map<String, String> now, String name, OptionalInt value) {
    if (value.isPresent() && !Integer.toString(value.getAsInt()).equals(now.getOrDefault(name, "").strip())) {
      flags.put(name, Integer.toString(value.getAsInt()));
    }
  }

  private static int parse(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private <T> T await(CompletableFuture<T> future, Target target, String what) throws AllocatorException {
    try {
      return future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllocatorException(Reason.FAILED, "interrupted while " + what + " primary " + target.primaryId(), e);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new AllocatorException(Reason.UNREACHABLE, "no answer within " + settings.timeout().toMillis() + " ms while " + what
          + " primary " + target.primaryId() + "; its agent may still apply the command", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NoSuchElementException) {
        throw new AllocatorException(Reason.TARGET_GONE, "primary " + target.primaryId() + " is not connected; nothing applied", e.getCause());
      }
      throw new AllocatorException(Reason.UNREACHABLE, what + " primary " + target.primaryId() + " failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    // the channel belongs to the host
  }
}
