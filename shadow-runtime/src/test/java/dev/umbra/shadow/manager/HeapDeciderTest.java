package dev.umbra.shadow.manager;

import static dev.umbra.shadow.manager.Demands.MIB;
import static dev.umbra.shadow.manager.Demands.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.manager.Decision.Action;
import dev.umbra.shadow.manager.HeapDecider.Reclaim;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HeapDeciderTest {
  private static final Duration COOLDOWN = Duration.ofSeconds(30);
  private final HeapDecider heap = new HeapDecider(0.2, COOLDOWN);
  /** The heap's troughs say 60 MiB live (a 90 MiB target), off-heap 40 MiB, but the JVM holds 600 MiB. */
  private static final JvmMemory HOLDING_MUCH = new JvmMemory(60 * MIB, 40 * MIB, 90 * MIB, 130 * MIB, 600 * MIB);

  private static double[] steadyRss(double bytes) {
    double[] v = new double[MemoryDecider.GROWTH_WINDOW];
    Arrays.fill(v, bytes);
    return v;
  }

  /** A 512 MiB bound on a collector that ignores it (G1 on JDK 17), first seen or last changed {@code since}. */
  private HeapDecider.Step decide(JvmMemory m, Instant since, Optional<Reclaim> reclaim) {
    return heap.decide(new HeapDecider.Input(m, 512 * MIB, 512 * MIB, true, steadyRss(m.rssBytes()), NOW,
        Optional.of(since), reclaim));
  }

  /** A shrink asked 10 s ago, at 600 MiB of RSS and a 60 MiB live set, not judged yet. */
  private static Optional<Reclaim> shrunk(Duration pause) {
    return Optional.of(new Reclaim(NOW.minusSeconds(10), 600 * MIB, 60 * MIB, pause, false));
  }

  private static JvmMemory with(double liveBytes, double rssBytes) {
    return new JvmMemory(liveBytes, 40 * MIB, Math.max(JvmMemory.MIN_HEAP, liveBytes * 1.5),
        Math.max(JvmMemory.MIN_HEAP, liveBytes * 1.5) + 40 * MIB, rssBytes);
  }

  @Nested
  class Shrinks {
    @Test
    void noneBeforeACooldownOfWatchingANewPrimary_thenToTheHeapTarget() {
      HeapDecider.Step early = decide(HOLDING_MUCH, NOW.minusSeconds(20), Optional.empty());
      HeapDecider.Step due = decide(HOLDING_MUCH, NOW.minusSeconds(30), Optional.empty());

      assertThat(early.plan().action()).isEqualTo(Action.HOLD);
      assertThat(early.plan().reason()).endsWith("; next shrink not before 2026-01-01T00:10:10Z");
      assertThat(early.reclaim()).isEmpty();
      assertThat(due.plan().action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(due.plan().desired()).isEqualTo(90.0 * MIB);
      assertThat(due.plan().reason()).endsWith("heap bound 512.0 MiB -> 90.0 MiB so the JVM returns what it holds "
          + "beyond its need");
      assertThat(due.reclaim()).contains(new Reclaim(NOW, 600 * MIB, 60 * MIB, COOLDOWN, false));
    }

    @Test
    void noneWhileTheRssGrows() {
      double[] rising = new double[MemoryDecider.GROWTH_WINDOW];
      for (int i = 0; i < rising.length; i++) {
        rising[i] = (600 + 10 * i) * MIB;
      }
      HeapDecider.Step step = heap.decide(new HeapDecider.Input(HOLDING_MUCH, 512 * MIB, 512 * MIB, true, rising, NOW,
          Optional.of(NOW.minusSeconds(60)), Optional.empty()));

      assertThat(step.plan().action()).isEqualTo(Action.HOLD);
      assertThat(step.plan().reason()).endsWith("; no shrink while the RSS grows");
    }

    @Test
    void troughsThatAskForTheWholeHeap_stillGetAShrink_onlyOnACollectorThatIgnoresTheBound() {
      JvmMemory troughsHigh = with(400 * MIB, 600 * MIB); // old garbage or live: only a collection tells
      HeapDecider.Step ignoring = decide(troughsHigh, NOW.minusSeconds(60), Optional.empty());
      HeapDecider.Step honouring = heap.decide(new HeapDecider.Input(troughsHigh, 512 * MIB, 512 * MIB, false,
          steadyRss(600 * MIB), NOW, Optional.of(NOW.minusSeconds(60)), Optional.empty()));

      assertThat(ignoring.plan().action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(ignoring.plan().desired()).isEqualTo(512 * MIB * 0.8);
      assertThat(honouring.plan().action()).isEqualTo(Action.HOLD); // 512 MiB is its target: nothing to do
    }

    @Test
    void withinItsNeed_aShrinkOnlyChecksTheLiveSet() {
      JvmMemory lean = with(60 * MIB, 150 * MIB);
      HeapDecider.Step step = decide(lean, NOW.minusSeconds(60), Optional.empty());

      assertThat(step.plan().action()).isEqualTo(Action.SCALE_DOWN);
      assertThat(step.plan().reason()).contains("to check the live set");
    }

    @Test
    void raisesTheBound_whenTheLiveSetOutgrowsIt_atAnyTime_onACollectorThatHonoursIt() {
      HeapDecider.Step step = heap.decide(new HeapDecider.Input(with(400 * MIB, 700 * MIB), 256 * MIB, 512 * MIB, false,
          steadyRss(700 * MIB), NOW, Optional.of(NOW), Optional.empty()));

      assertThat(step.plan().action()).isEqualTo(Action.SCALE_UP);
      assertThat(step.plan().desired()).isEqualTo(512.0 * MIB); // 600 MiB wanted, MaxHeapSize is 512
      assertThat(step.reclaim()).isEmpty();
    }
  }

  /** Each shrink is judged 10 s later, and the pace of the next follows from what it did. */
  @Nested
  class Judging {
    @Test
    void oneThatReturnsNothing_doublesTheWait_upTo16Minutes() {
      HeapDecider.Step first = decide(HOLDING_MUCH, NOW.minusSeconds(10), shrunk(COOLDOWN));
      HeapDecider.Step late = decide(HOLDING_MUCH, NOW.minusSeconds(10), shrunk(Duration.ofMinutes(10)));

      assertThat(first.plan().action()).isEqualTo(Action.HOLD);
      assertThat(first.plan().reason()).endsWith("; the heap shrink 10 s ago returned less than 10 %: "
          + "RSS 600.0 MiB -> 600.0 MiB; the next in 60 s at the earliest");
      assertThat(first.reclaim()).contains(
          new Reclaim(NOW.minusSeconds(10), 600 * MIB, 60 * MIB, Duration.ofSeconds(60), true));
      assertThat(late.reclaim().orElseThrow().pause()).isEqualTo(HeapDecider.RECLAIM_BACKOFF_MAX);
    }

    @Test
    void notBeforeItHasSettled() {
      Optional<Reclaim> fresh = Optional.of(new Reclaim(NOW.minusSeconds(9), 600 * MIB, 60 * MIB, COOLDOWN, false));

      HeapDecider.Step step = decide(HOLDING_MUCH, NOW.minusSeconds(9), fresh);

      assertThat(step.plan().action()).isEqualTo(Action.HOLD);
      assertThat(step.plan().reason()).doesNotContain("the heap shrink");
      assertThat(step.reclaim()).isEmpty();
    }

    @Test
    void oneThatReturnsMemory_keepsTheCooldownAsThePace() {
      HeapDecider.Step step = decide(with(60 * MIB, 150 * MIB), NOW.minusSeconds(10), shrunk(Duration.ofSeconds(60)));

      assertThat(step.plan().reason()).contains("returned memory: RSS 600.0 MiB -> 150.0 MiB; the next in 30 s");
      assertThat(step.reclaim().orElseThrow().pause()).isEqualTo(COOLDOWN);
    }

    @Test
    void oneThatShowsASmallerLiveSet_keepsTheCooldownAsThePace_evenIfTheRssStays() {
      HeapDecider.Step step = decide(with(40 * MIB, 600 * MIB), NOW.minusSeconds(10), shrunk(Duration.ofSeconds(60)));

      assertThat(step.plan().reason())
          .contains("showed a smaller live set (60.0 MiB -> 40.0 MiB) but returned little").contains("the next in 30 s");
    }

    @Test
    void aGrowingLiveSet_isNotCountedAgainstIt() {
      HeapDecider.Step step = decide(with(200 * MIB, 600 * MIB), NOW.minusSeconds(10), shrunk(Duration.ofSeconds(60)));

      assertThat(step.plan().reason()).contains("returned little, but the live set grew meanwhile")
          .contains("the next in 60 s");
    }

    @Test
    void afterwards_theNextShrinkWaitsForThePause() {
      Optional<Reclaim> judged = Optional.of(
          new Reclaim(NOW.minusSeconds(50), 600 * MIB, 60 * MIB, Duration.ofSeconds(60), true));

      HeapDecider.Step step = decide(HOLDING_MUCH, NOW.minusSeconds(50), judged);

      assertThat(step.plan().action()).isEqualTo(Action.HOLD);
      assertThat(step.plan().reason()).endsWith("; next shrink not before 2026-01-01T00:10:10Z");
    }
  }
}
