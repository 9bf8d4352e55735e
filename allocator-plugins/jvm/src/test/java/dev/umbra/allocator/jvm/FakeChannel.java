package dev.umbra.allocator.jvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory agent: answers with the facts it was given, applies flags to them as HotSpot would
 * (rejecting those listed in {@link #refuse}), and records every command.
 */
final class FakeChannel implements JvmFlagsChannel {

  record Command(String primaryId, Map<String, String> flags, boolean requestGc) {}

  JvmFacts facts;
  final List<Command> commands = new ArrayList<>();
  final Map<String, String> refuse = new LinkedHashMap<>();
  boolean connected = true;
  boolean answers = true;

  FakeChannel(JvmFacts facts) {
    this.facts = facts;
  }

  @Override
  public synchronized CompletableFuture<JvmFacts> facts(String primaryId) {
    if (!connected) {
      return CompletableFuture.failedFuture(new NoSuchElementException(primaryId));
    }
    return answers ? CompletableFuture.completedFuture(facts) : new CompletableFuture<>();
  }

  @Override
  public synchronized CompletableFuture<FlagResult> apply(String primaryId, Map<String, String> flags, boolean requestGc) {
    commands.add(new Command(primaryId, new LinkedHashMap<>(flags), requestGc));
    Map<String, String> applied = new LinkedHashMap<>();
    Map<String, String> rejected = new LinkedHashMap<>();
    Map<String, String> now = new LinkedHashMap<>(facts.flags());
    for (Map.Entry<String, String> flag : flags.entrySet()) {
      String reason = refuse.get(flag.getKey());
      if (reason == null && flag.getKey().equals("MinHeapFreeRatio")
          && Integer.parseInt(flag.getValue()) > Integer.parseInt(now.getOrDefault("MaxHeapFreeRatio", "70"))) {
        reason = "MinHeapFreeRatio must be less than or equal to MaxHeapFreeRatio";
      }
      if (reason == null) {
        applied.put(flag.getKey(), flag.getValue());
        now.put(flag.getKey(), flag.getValue());
      } else {
        rejected.put(flag.getKey(), reason);
      }
    }
    facts = new JvmFacts(facts.javaFeatureVersion(), facts.collector(), facts.maxHeapBytes(), facts.minHeapBytes(), now);
    return CompletableFuture.completedFuture(new FlagResult(applied, rejected, requestGc));
  }
}
