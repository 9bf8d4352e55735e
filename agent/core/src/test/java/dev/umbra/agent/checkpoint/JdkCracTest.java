package dev.umbra.agent.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.umbra.agent.checkpoint.fakecrac.Core;
import dev.umbra.agent.sampler.JvmIntrospection;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reflection bridge against a CRaC-shaped API in {@code fakecrac} (no CRaC JDK here). */
class JdkCracTest {
  private static final String FAKE = "dev.umbra.agent.checkpoint.fakecrac";
  private final List<String> calls = new ArrayList<>();

  @AfterEach
  void forget() {
    Core.reset();
  }

  private JdkCrac fake() {
    return JdkCrac.find(List.of("no.such.crac", FAKE), getClass().getClassLoader()).orElseThrow();
  }

  private JdkCrac.Resource recording(String name) {
    return new JdkCrac.Resource() {
      @Override
      public void beforeCheckpoint() {
        calls.add(name + ".before");
      }

      @Override
      public void afterRestore() {
        calls.add(name + ".after");
      }
    };
  }

  @Test
  void findsTheApi_inTheFirstPackageThatHasOne() {
    assertThat(fake().packageName()).isEqualTo(FAKE);
  }

  @Test
  void findsNothing_whereNoPackageHasOne() {
    assertThat(JdkCrac.find(List.of("no.such.crac", "java.util"), getClass().getClassLoader())).isEmpty();
  }

  @Test
  void findsTheJdksOwn_exactlyWhenThisJdkHasCrac() {
    assertThat(JdkCrac.find().isPresent()).isEqualTo(JvmIntrospection.cracAvailable());
  }

  @Test
  void theJdkCallsTheResourceAroundACheckpoint_evenAfterAGc() {
    JdkCrac crac = fake();
    crac.register(recording("agent"));
    System.gc(); // the fake context, like the JDK's, holds its resources weakly

    assertThat(Core.checkpointRestore()).isEmpty();

    assertThat(calls).containsExactly("agent.before", "agent.after");
    Reference.reachabilityFence(crac); // as the agent keeps it for its whole run
  }

  @Test
  void whatTheResourceThrows_reachesTheJdkAsIs_andAfterRestoreStillRuns() {
    IllegalStateException refusal = new IllegalStateException("the stream did not close");
    JdkCrac crac = fake();
    crac.register(new JdkCrac.Resource() {
      @Override
      public void beforeCheckpoint() {
        throw refusal;
      }

      @Override
      public void afterRestore() {
        calls.add("after");
      }
    });

    assertThat(Core.checkpointRestore()).containsExactly(refusal);
    assertThat(calls).containsExactly("after");
    Reference.reachabilityFence(crac); // held weakly by the context: a GC must not drop it
  }

  @Test
  void theProxyBehavesAsAnObject() {
    JdkCrac crac = fake();
    crac.register(recording("a"));
    Object proxy = crac.registeredForTests().get(0);
    assertThat(proxy).isEqualTo(proxy).isNotEqualTo(new Object()).hasToString("umbra-agent CRaC resource");
    assertThat(proxy.hashCode()).isEqualTo(System.identityHashCode(proxy));
  }

  @Test
  void saysNothingOfARestoreTime_whenTheApiHasNoMxBean() {
    assertThat(fake().restoreTimeMillis()).isEmpty();
  }

  @Test
  void aRegistrationTheApiRefuses_isAnIllegalState() {
    Optional<JdkCrac> crac = JdkCrac.find(List.of(FAKE), getClass().getClassLoader());
    Core.refuseRegistrations(true);
    try {
      assertThatThrownBy(() -> crac.orElseThrow().register(recording("late")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused");
    } finally {
      Core.refuseRegistrations(false);
    }
  }
}
