package dev.umbra.shadow.ingest;

import dev.umbra.allocator.jvm.FlagResult;
import dev.umbra.allocator.jvm.GarbageCollector;
import dev.umbra.allocator.jvm.JvmFacts;
import dev.umbra.allocator.jvm.JvmFlagsChannel;
import dev.umbra.proto.v1.ApplyJvmSettings;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import dev.umbra.proto.v1.ShadowCommand;
import dev.umbra.units.Sizes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shadow side of the {@code jvm} allocator's {@link JvmFlagsChannel}: facts from the
 * primary's {@code Hello} (Java version, collectors, heap sizes, {@code -XX:} flags on its command
 * line) plus the flags this shadow has set since, and {@code ApplyJvmSettings} sent on the
 * primary's stream with {@link PrimarySession#send}. Thread-safe; never blocks.
 */
public final class JvmFlagsSessionChannel implements JvmFlagsChannel {
  static final List<String> FLAGS = List.of("SoftMaxHeapSize", "MinHeapFreeRatio", "MaxHeapFreeRatio");

  private final Sessions sessions;
  /** Flags set through this channel, per primary, as the agent confirmed them. */
  private final Map<String, Map<String, String>> set = new ConcurrentHashMap<>();

  public JvmFlagsSessionChannel(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public CompletableFuture<JvmFacts> facts(String primaryId) {
    Optional<PrimarySession> session = connected(primaryId);
    if (session.isEmpty()) {
      return CompletableFuture.failedFuture(new NoSuchElementException("primary " + primaryId + " is not connected"));
    }
    try {
      return CompletableFuture.completedFuture(facts(session.get().identity(), set.getOrDefault(primaryId, Map.of())));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("primary " + primaryId
          + " did not report usable JVM facts in its Hello: " + e.getMessage(), e));
    }
  }

  static JvmFacts facts(PrimaryIdentity identity, Map<String, String> setHere) {
    PrimaryIdentity.JvmFacts jvm = identity.jvm();
    Map<String, String> flags = new LinkedHashMap<>();
    long minHeap = 0;
    for (String arg : jvm.inputArguments()) {
      if (arg.startsWith("-Xms")) {
        minHeap = Sizes.parse("-Xms", arg.substring(4));
      }
      for (String flag : FLAGS) {
        if (arg.startsWith("-XX:" + flag + "=")) {
          flags.put(flag, Long.toString(Sizes.parse("-XX:" + flag, arg.substring(flag.length() + 5))));
        }
      }
    }
    flags.putAll(setHere);
    long maxHeap = jvm.maxHeapBytes();
    return new JvmFacts(JvmFacts.featureVersion(jvm.javaVersion()),
        GarbageCollector.fromMxBeanNames(jvm.garbageCollectors()), maxHeap, Math.min(minHeap, maxHeap), flags);
  }

  /**
   * Sends all the flags and the GC request in one {@code ApplyJvmSettings}: the agent applies
   * flags that depend on each other (MinHeapFreeRatio &lt;= MaxHeapFreeRatio) whatever order its
   * map gives them (it retries a refused flag after the others), so one round trip suffices.
   */
  @Override
  public CompletableFuture<FlagResult> apply(String primaryId, Map<String, String> flags, boolean requestGc) {
    Optional<PrimarySession> session = connected(primaryId);
    if (session.isEmpty()) {
      return CompletableFuture.failedFuture(new NoSuchElementException("primary " + primaryId + " is not connected"));
    }
    return send(session.get(), flags, requestGc).thenApply(done -> {
      if (!done.applied().isEmpty()) {
        set.computeIfAbsent(primaryId, k -> new ConcurrentHashMap<>()).putAll(done.applied());
      }
      return done;
    });
  }

  private static CompletableFuture<FlagResult> send(PrimarySession session, Map<String, String> flags, boolean gc) {
    ShadowCommand.Builder command = ShadowCommand.newBuilder()
        .setApplyJvmSettings(ApplyJvmSettings.newBuilder().putAllFlags(flags).setRequestGc(gc));
    return session.send(command).thenApply(result -> toFlagResult(result, flags));
  }

  /**
   * Reads the agent's answer: details either follow {@link FlagResult}'s convention or, as the
   * agent's command handler writes them, name each applied flag with its value ({@code gc =
   * requested}); a FAILED answer's message lists the refused ones ({@code not applied: Flag:
   * why; …}). An answer that is neither OK nor FAILED (the agent disconnected) refuses them all.
   */
  static FlagResult toFlagResult(CommandResult result, Map<String, String> asked) {
    Map<String, String> details = result.getDetailsMap();
    if (details.keySet().stream().anyMatch(k -> k.startsWith("applied.") || k.startsWith("rejected."))) {
      return FlagResult.fromCommandDetails(details);
    }
    Map<String, String> applied = new LinkedHashMap<>();
    Map<String, String> rejected = new LinkedHashMap<>();
    for (Map.Entry<String, String> flag : asked.entrySet()) {
      if (details.containsKey(flag.getKey())) {
        applied.put(flag.getKey(), details.get(flag.getKey()));
      }
    }
    boolean gc = "requested".equals(details.get("gc")) || "true".equals(details.get("gc_requested"));
    if (result.getStatus() == CommandStatus.COMMAND_STATUS_OK) {
      return new FlagResult(applied, rejected, gc);
    }
    String message = result.getMessage().isBlank() ? result.getStatus().name() : result.getMessage();
    for (String flag : asked.keySet()) {
      if (!applied.containsKey(flag)) {
        rejected.put(flag, reasonFor(flag, message));
      }
    }
    return new FlagResult(applied, rejected, gc);
  }

  private static String reasonFor(String flag, String message) {
    String body = message.startsWith("not applied: ") ? message.substring("not applied: ".length()) : message;
    for (String part : body.split("; ")) {
      if (part.startsWith(flag + ": ")) {
        return part.substring(flag.length() + 2);
      }
    }
    return message;
  }

  private Optional<PrimarySession> connected(String primaryId) {
    return sessions.get(primaryId).filter(s -> s.state() == PrimaryState.CONNECTED);
  }
}
