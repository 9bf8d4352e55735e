package dev.umbra.shadow.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.proto.v1.Anomaly;
import dev.umbra.proto.v1.AnomalyKind;
import dev.umbra.shadow.MutableClock;
import dev.umbra.shadow.series.Canonical;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LevelWatchTest {
  private static final double MB = 1 << 20;
  private final MutableClock clock = MutableClock.at("2027-01-01T00:01:00Z");
  private final LevelWatch watch = new LevelWatch(Canonical.MEM_HEAP_USED, 5, 2.0, 48 * MB, 2, clock);
  private final List<Anomaly> seen = new ArrayList<>();
  private long second = 1000;

  LevelWatchTest() {
    watch.subscribe(seen::add);
  }

  private void feed(double... megabytes) {
    for (double mb : megabytes) {
      watch.observe("p1", "wl", second++, mb * MB);
    }
  }

  @Test
  void reportsALevelShift_onceItIsSustained_withItsOnset() {
    feed(20, 30, 25, 40, 30); // learnt peak 40 MB: threshold max(80, 88) = 88 MB
    feed(35, 60, 95);
    assertThat(seen).isEmpty();
    feed(140);

    assertThat(seen).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AnomalyKind.ANOMALY_KIND_LEVEL_SHIFT);
      assertThat(a.getSeries()).isEqualTo("mem.heap.used");
      assertThat(a.getOnsetUnixMs()).isEqualTo(1006 * 1000L); // the second after the last one within 40 MB
      assertThat(a.getScore()).isCloseTo(1 - 40.0 / 140, org.assertj.core.data.Offset.offset(1e-9));
    });
  }

  @Test
  void reportsOncePerExcursion_andReArmsAfterRecovery() {
    feed(40, 40, 40, 40, 40);
    feed(100, 100, 100, 100);
    feed(30);
    feed(100, 100);

    assertThat(seen).hasSize(2);
  }

  @Test
  void staysQuiet_forNoiseWithinTheBand() {
    feed(40, 10, 40, 10, 40, 80, 85, 20, 87, 50);
    assertThat(seen).isEmpty();
  }
}
