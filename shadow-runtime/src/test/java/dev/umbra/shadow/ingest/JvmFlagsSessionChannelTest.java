package dev.umbra.shadow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.allocator.jvm.FlagResult;
import dev.umbra.allocator.jvm.GarbageCollector;
import dev.umbra.allocator.jvm.JvmFacts;
import dev.umbra.proto.v1.CommandResult;
import dev.umbra.proto.v1.CommandStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class JvmFlagsSessionChannelTest {
  private static final long MIB = 1 << 20;

  private static PrimaryIdentity identity(List<String> args) {
    return new PrimaryIdentity("h/1/1", "w", "app", "h", 1, 1, "0.1.0", PrimaryIdentity.ReportedCriticality.NORMAL,
        new PrimaryIdentity.JvmFacts("17.0.15", "v", "vm", "app.Main", args, List.of("G1 Young Generation", "G1 Old Generation"),
            512 * MIB, 2, 0, 0, "Linux amd64"),
        new PrimaryIdentity.AgentCapabilities(true, true, false, List.of(), List.of(), List.of("SoftMaxHeapSize")));
  }

  @Test
  void factsComeFromTheHello_theCommandLine_andWhatThisShadowSetSince() {
    JvmFacts facts = JvmFlagsSessionChannel.facts(
        identity(List.of("-Xms64m", "-XX:SoftMaxHeapSize=256m", "-XX:MaxHeapFreeRatio=50")),
        Map.of("MaxHeapFreeRatio", "30"));

    assertThat(facts.javaFeatureVersion()).isEqualTo(17);
    assertThat(facts.collector()).isEqualTo(GarbageCollector.G1);
    assertThat(facts.maxHeapBytes()).isEqualTo(512 * MIB);
    assertThat(facts.minHeapBytes()).isEqualTo(64 * MIB);
    assertThat(facts.softMaxHeapBytes()).isEqualTo(256 * MIB);
    assertThat(facts.flags()).containsEntry("MaxHeapFreeRatio", "30");
  }

  @Test
  void aSizeTheShadowCannotRead_isAnErrorNamingTheFlag_notZero() {
    assertThatThrownBy(() -> JvmFlagsSessionChannel.facts(identity(List.of("-Xms64q")), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Xms").hasMessageContaining("64q");
    assertThatThrownBy(() -> JvmFlagsSessionChannel.facts(identity(List.of("-XX:SoftMaxHeapSize=lots")), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-XX:SoftMaxHeapSize");
  }

  @Test
  void readsTheAgentsAnswer_appliedFlagsAndTheGc() {
    CommandResult ok = CommandResult.newBuilder().setStatus(CommandStatus.COMMAND_STATUS_OK)
        .putDetails("SoftMaxHeapSize", "94371840").putDetails("gc", "requested").build();

    FlagResult result = JvmFlagsSessionChannel.toFlagResult(ok, Map.of("SoftMaxHeapSize", "94371840"));

    assertThat(result.applied()).containsExactly(Map.entry("SoftMaxHeapSize", "94371840"));
    assertThat(result.rejected()).isEmpty();
    assertThat(result.gcRequested()).isTrue();
  }

  @Test
  void readsTheJvmsReason_forAFlagItRefused() {
    CommandResult failed = CommandResult.newBuilder().setStatus(CommandStatus.COMMAND_STATUS_FAILED)
        .setMessage("not applied: MinHeapFreeRatio: MinHeapFreeRatio (80) must be less than or equal to MaxHeapFreeRatio (70)")
        .build();
    Map<String, String> asked = new LinkedHashMap<>();
    asked.put("MinHeapFreeRatio", "80");

    FlagResult result = JvmFlagsSessionChannel.toFlagResult(failed, asked);

    assertThat(result.applied()).isEmpty();
    assertThat(result.rejected()).containsEntry("MinHeapFreeRatio",
        "MinHeapFreeRatio (80) must be less than or equal to MaxHeapFreeRatio (70)");
  }

  @Test
  void aDisconnectedAgent_refusesEveryFlag_withItsMessage() {
    CommandResult gone = CommandResult.newBuilder().setStatus(CommandStatus.COMMAND_STATUS_FAILED)
        .setMessage("the agent disconnected").build();

    FlagResult result = JvmFlagsSessionChannel.toFlagResult(gone, Map.of("SoftMaxHeapSize", "1"));

    assertThat(result.rejected()).containsEntry("SoftMaxHeapSize", "the agent disconnected");
  }

  @Test
  void anUnknownPrimary_failsWithNoSuchElement_asTheJvmAllocatorExpects() {
    Sessions sessions = new Sessions(java.time.Clock.systemUTC(), List.of(), Map.of());
    JvmFlagsSessionChannel channel = new JvmFlagsSessionChannel(sessions);

    assertThat(channel.facts("nobody")).isCompletedExceptionally();
    assertThat(channel.apply("nobody", Map.of("SoftMaxHeapSize", "1"), false))
        .failsWithin(java.time.Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(NoSuchElementException.class);
  }
}
