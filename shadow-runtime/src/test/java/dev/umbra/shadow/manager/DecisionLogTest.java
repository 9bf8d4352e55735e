package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.manager.Decision.Action;
import dev.umbra.shadow.manager.Decision.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecisionLogTest {
  private static void add(DecisionLog log, String primary, Action action) {
    log.add(new Decision(log.nextId(), primary, Resource.CPU, Instant.EPOCH, action, 1, 1, 1, 0.5, 0.5, "log",
        false, "pid 1", "m", action.name()));
  }

  @Test
  void listsNewestFirst_filteredByPrimaryAndKind_andForgetsTheOldestPastItsCapacity() {
    DecisionLog log = new DecisionLog(3);
    add(log, "a", Action.HOLD);
    add(log, "b", Action.SCALE_UP);
    add(log, "a", Action.REFUSED);
    add(log, "a", Action.HOLD);

    assertThat(log.size()).isEqualTo(3);
    assertThat(log.newest("", 10, false)).extracting(Decision::id).containsExactly(4L, 3L, 2L);
    assertThat(log.newest("a", 10, false)).extracting(Decision::id).containsExactly(4L, 3L);
    assertThat(log.newest("", 10, true)).extracting(Decision::action).containsExactly(Action.REFUSED, Action.SCALE_UP);
    assertThat(log.newest("", 1, false)).hasSize(1);
  }

  @Nested
  class OnDisk {
    @TempDir Path data;

    @Test
    void aReopenedLog_showsTheEarlierDecisions_andContinuesTheirIds() {
      Decision tricky = new Decision(2, "h/1/2", Resource.MEMORY, Instant.parse("2026-11-28T11:00:01.250Z"),
          Action.REFUSED, Double.NaN, 512.0 * (1 << 20), 300.5, 0.25, Double.NaN, "cgroup", false,
          "pid 7 cgroup /a\tb", "ewma", "usage 900 MiB leaves no room\\n under the maximum\nline two");
      try (DecisionLog log = DecisionLog.open(data)) {
        add(log, "a", Action.SCALE_UP);
        assertThat(log.nextId()).isEqualTo(2L);
        log.add(tricky);
      }

      try (DecisionLog reopened = DecisionLog.open(data)) {
        assertThat(reopened.newest("", 10, false)).extracting(Decision::id).containsExactly(2L, 1L);
        Decision back = reopened.newest("h/1/2", 1, false).get(0);
        assertThat(back).isEqualTo(tricky); // a record: NaN equals NaN, tabs and newlines survive
        add(reopened, "a", Action.HOLD);
        assertThat(reopened.newest("", 1, false).get(0).id()).isEqualTo(3L);
      }
    }

    @Test
    void staysWithinItsBound_byRotatingIntoOneOlderFile() throws IOException {
      long max = 4096;
      try (DecisionLog log = DecisionLog.open(data, 100_000, max)) {
        for (int i = 0; i < 200; i++) {
          add(log, "a", Action.HOLD);
        }
      }

      assertThat(Files.size(data.resolve(DecisionFile.NAME))).isLessThanOrEqualTo(max);
      assertThat(Files.size(data.resolve(DecisionFile.OLDER))).isLessThanOrEqualTo(max);
      try (DecisionLog reopened = DecisionLog.open(data, 100_000, max)) {
        // what both files still hold: the newest ones, in order, up to id 200
        var ids = reopened.newest("", 1000, false).stream().map(Decision::id).toList();
        assertThat(ids.get(0)).isEqualTo(200L);
        assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder()).hasSizeLessThan(200);
      }
    }

    @Test
    void aLineCutShortByACrash_isSkipped_andTheRestIsKept() throws IOException {
      try (DecisionLog log = DecisionLog.open(data)) {
        add(log, "a", Action.SCALE_UP);
      }
      Files.writeString(data.resolve(DecisionFile.NAME), "2\ta\tCPU\t1970-01-01T00", StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);

      try (DecisionLog reopened = DecisionLog.open(data)) {
        assertThat(reopened.newest("", 10, false)).extracting(Decision::id).containsExactly(1L);
        add(reopened, "a", Action.HOLD);
      }
      try (DecisionLog again = DecisionLog.open(data)) {
        assertThat(again.newest("", 10, false)).extracting(Decision::id).containsExactly(2L, 1L);
      }
    }

    @Test
    void anUnusableFolder_keepsDecisionsInMemory() throws IOException {
      Path notADir = Files.writeString(data.resolve("file"), "x");

      try (DecisionLog log = DecisionLog.open(notADir)) {
        add(log, "a", Action.SCALE_UP);
        assertThat(log.size()).isEqualTo(1);
      }
    }
  }
}
