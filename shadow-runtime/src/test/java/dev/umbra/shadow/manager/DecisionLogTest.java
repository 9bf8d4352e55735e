package dev.umbra.shadow.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.manager.Decision.Action;
import dev.umbra.shadow.manager.Decision.Resource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

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
}
