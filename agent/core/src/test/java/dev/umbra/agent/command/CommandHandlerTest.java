package dev.umbra.agent.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.config.Criticality;
import dev.umbra.agent.config.Sampling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CommandHandlerTest {
  private Sampling current = Sampling.preset(Criticality.NORMAL);
  private final Map<String, String> flagsSet = new LinkedHashMap<>();
  private final List<String> gcs = new ArrayList<>();

  private final CommandHandler handler = new CommandHandler(
      new CommandHandler.SamplingTarget() {
        @Override
        public Sampling current() {
          return current;
        }

        @Override
        public void apply(Sampling sampling) {
          current = sampling;
        }
      },
      new CommandHandler.JvmFlags() {
        @Override
        public void set(String name, String value) {
          if (!name.equals("SoftMaxHeapSize")) {
            throw new IllegalArgumentException("VM option \"" + name + "\" is not writeable");
          }
          flagsSet.put(name, value);
        }

        @Override
        public void gc() {
          gcs.add("gc");
        }
      });

  private static SamplingChange change(Optional<Criticality> criticality, OptionalInt top, boolean executionOff) {
    return new SamplingChange(criticality, Optional.empty(), Optional.empty(), Optional.empty(), executionOff,
        Optional.empty(), false, top, Optional.empty(), Optional.empty());
  }

  @Test
  void setSampling_keepsFieldsThatAreNotGiven() {
    CommandResult result = handler.run(new Command.SetSampling(7, change(Optional.empty(), OptionalInt.of(5), true)));

    assertThat(result.status()).isEqualTo(CommandResult.Status.OK);
    assertThat(result.commandId()).isEqualTo(7);
    assertThat(current.topClasses()).isEqualTo(5);
    assertThat(current.executionSamplesOn()).isFalse();
    assertThat(current.criticality()).isEqualTo(Criticality.NORMAL);
    assertThat(current.gaugePeriod()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void setSampling_withACriticality_startsFromItsPreset() {
    handler.run(new Command.SetSampling(1, change(Optional.of(Criticality.HIGH), OptionalInt.empty(), false)));

    assertThat(current).isEqualTo(Sampling.preset(Criticality.HIGH));
  }

  @Test
  void applyJvmSettings_setsManageableFlags_andRequestsAGc() {
    CommandResult result = handler.run(new Command.ApplyJvmSettings(3, Map.of("SoftMaxHeapSize", "536870912"), true));

    assertThat(result.status()).isEqualTo(CommandResult.Status.OK);
    assertThat(flagsSet).containsEntry("SoftMaxHeapSize", "536870912");
    assertThat(gcs).hasSize(1);
  }

  @Test
  void applyJvmSettings_reportsEachFlagItCouldNotSet() {
    CommandResult result = handler.run(new Command.ApplyJvmSettings(4,
        Map.of("SoftMaxHeapSize", "1", "MaxHeapSize", "2"), false));

    assertThat(result.status()).isEqualTo(CommandResult.Status.FAILED);
    assertThat(result.message()).contains("MaxHeapSize").contains("not writeable");
    assertThat(result.details()).containsEntry("SoftMaxHeapSize", "1");
  }

  @Test
  void checkpointAndRollback_areUnsupported_withoutAnEngine() {
    assertThat(handler.run(new Command.Checkpoint(5, "c1", "app")))
        .satisfies(r -> {
          assertThat(r.status()).isEqualTo(CommandResult.Status.UNSUPPORTED);
          assertThat(r.message()).contains("checkpoint engine 'app' is not supported");
        });
    assertThat(handler.run(new Command.Checkpoint(7, "c1", "crac")).message()).contains("supervisor");
    assertThat(handler.run(new Command.Rollback(6, "c1", "anomaly")).status())
        .isEqualTo(CommandResult.Status.UNSUPPORTED);
  }

  @Test
  void realJvm_rejectsAFlagThatIsNotManageable() {
    CommandHandler real = new CommandHandler(null, CommandHandler.hotSpot());

    CommandResult result = real.run(new Command.ApplyJvmSettings(8, Map.of("MaxHeapSize", "1"), false));

    assertThat(result.status()).isEqualTo(CommandResult.Status.FAILED);
    assertThat(result.message()).contains("MaxHeapSize");
  }

  @Test
  void applyJvmSettings_appliesDependentFlagsWhateverTheirOrder() {
    Map<String, Integer> ratios = new LinkedHashMap<>(Map.of("MinHeapFreeRatio", 40, "MaxHeapFreeRatio", 70));
    CommandHandler ratioHandler = new CommandHandler(null,
        new CommandHandler.JvmFlags() {
          @Override
          public void set(String name, String value) {
            Map<String, Integer> next = new LinkedHashMap<>(ratios);
            next.put(name, Integer.parseInt(value));
            if (next.get("MinHeapFreeRatio") > next.get("MaxHeapFreeRatio")) {
              throw new IllegalArgumentException(name + "=" + value + " would put MinHeapFreeRatio above MaxHeapFreeRatio");
            }
            ratios.putAll(next);
          }

          @Override
          public void gc() {}
        });
    Map<String, String> maxFirst = new LinkedHashMap<>();
    maxFirst.put("MaxHeapFreeRatio", "30"); // refused while MinHeapFreeRatio is still 40
    maxFirst.put("MinHeapFreeRatio", "10");

    CommandResult result = ratioHandler.run(new Command.ApplyJvmSettings(9, maxFirst, false));

    assertThat(result.status()).isEqualTo(CommandResult.Status.OK);
    assertThat(ratios).containsEntry("MinHeapFreeRatio", 10).containsEntry("MaxHeapFreeRatio", 30);
  }
}
