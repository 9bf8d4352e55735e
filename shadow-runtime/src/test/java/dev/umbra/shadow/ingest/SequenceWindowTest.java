package dev.umbra.shadow.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.ingest.SequenceWindow.Kind;
import dev.umbra.shadow.ingest.SequenceWindow.Verdict;
import org.junit.jupiter.api.Test;

class SequenceWindowTest {
  private final SequenceWindow window = new SequenceWindow();

  @Test
  void takesConsecutiveNumbers_andSkipsResends() {
    assertThat(window.offer(5)).isEqualTo(new Verdict(Kind.NEXT, 0));
    assertThat(window.offer(6)).isEqualTo(new Verdict(Kind.NEXT, 0));
    assertThat(window.offer(5)).isEqualTo(new Verdict(Kind.DUPLICATE, 0));
    assertThat(window.offer(6)).isEqualTo(new Verdict(Kind.DUPLICATE, 0));
  }

  @Test
  void countsAGapAsLost_andStillTakesABatchOfTheGapThatArrivesLate() {
    window.offer(1);
    assertThat(window.offer(5)).isEqualTo(new Verdict(Kind.AHEAD, 3));
    assertThat(window.offer(3)).isEqualTo(new Verdict(Kind.LATE, 0));
    assertThat(window.offer(3)).isEqualTo(new Verdict(Kind.DUPLICATE, 0));
  }

  @Test
  void aNumberFarAhead_neverMakesLowerOnesResends() {
    window.offer(50);
    assertThat(window.offer(1_000_000)).isEqualTo(new Verdict(Kind.AHEAD, 999_949));
    assertThat(window.offer(51)).isEqualTo(new Verdict(Kind.RESTART, 0));
    assertThat(window.offer(52)).isEqualTo(new Verdict(Kind.NEXT, 0));
    assertThat(window.offer(51)).isEqualTo(new Verdict(Kind.DUPLICATE, 0));
  }

  @Test
  void forgetsSlotsThatTheWindowMovedPast() {
    window.offer(1);
    window.offer(2);
    assertThat(window.offer(2 + SequenceWindow.SIZE).kind()).isEqualTo(Kind.AHEAD); // slot of 2 reused
    assertThat(window.offer(3 + SequenceWindow.SIZE).kind()).isEqualTo(Kind.NEXT);
    assertThat(window.offer(SequenceWindow.SIZE).kind()).isEqualTo(Kind.LATE); // never came before
  }

  @Test
  void aRestoredCount_skipsEverythingUpToTheDurableSequence() {
    window.arrivedUpTo(10);
    assertThat(window.offer(9).kind()).isEqualTo(Kind.DUPLICATE);
    assertThat(window.offer(11).kind()).isEqualTo(Kind.NEXT);
  }
}
