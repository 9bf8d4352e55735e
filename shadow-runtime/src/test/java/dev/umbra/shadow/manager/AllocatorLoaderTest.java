package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.allocator.ResourceKind;
import dev.umbra.allocator.jvm.JvmFlagsChannel;
import dev.umbra.shadow.MutableClock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AllocatorLoaderTest {
  private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
  /** A channel to no agent: enough for the jvm plugin to open. */
  private final JvmFlagsChannel nowhere = new JvmFlagsChannel() {
    @Override
    public CompletableFuture<dev.umbra.allocator.jvm.JvmFacts> facts(String primaryId) {
      return CompletableFuture.failedFuture(new IllegalStateException("no agent"));
    }

    @Override
    public CompletableFuture<dev.umbra.allocator.jvm.FlagResult> apply(String primaryId, Map<String, String> flags, boolean requestGc) {
      return CompletableFuture.failedFuture(new IllegalStateException("no agent"));
    }
  };

  private AllocatorLoader loader(Optional<JvmFlagsChannel> channel) {
    return new AllocatorLoader(getClass().getClassLoader(), clock, channel);
  }

  @Test
  void opensAPluginByName_withTheSettingsItIsGiven() {
    AllocatorLoader.Loaded log = loader(Optional.empty()).load("log", Map.of());
    AllocatorLoader.Loaded bad = loader(Optional.empty()).load("log", Map.of("history", "0"));

    assertThat(log.allocator()).hasValueSatisfying(a -> assertThat(a.supports()).contains(ResourceKind.CPU));
    assertThat(log.failure()).isEmpty();
    assertThat(bad.allocator()).isEmpty();
    assertThat(bad.failure()).isEqualTo("allocator 'log' (INVALID_REQUEST): setting history='0' is not a whole number 1-1000000");
  }

  @Test
  void givesTheJvmPluginTheChannel_andSaysWhyItCannotOpenWithoutOne() {
    AllocatorLoader.Loaded with = loader(Optional.of(nowhere)).load("jvm", HeapDecider.JVM_SETTINGS);
    AllocatorLoader.Loaded without = loader(Optional.empty()).load("jvm", HeapDecider.JVM_SETTINGS);

    assertThat(with.allocator()).hasValueSatisfying(a -> assertThat(a.supports()).contains(ResourceKind.HEAP));
    assertThat(without.allocator()).isEmpty();
    assertThat(without.failure()).startsWith("allocator 'jvm' (UNAVAILABLE_HERE): the host offers no JvmFlagsChannel");
  }

  @Test
  void anUnknownName_isAFailureNamingTheKnownOnes() {
    AllocatorLoader.Loaded nope = loader(Optional.empty()).load("nope", Map.of());

    assertThat(nope.allocator()).isEmpty();
    assertThat(nope.failure()).contains("unknown allocator 'nope'").contains("cgroup").contains("log");
  }
}
