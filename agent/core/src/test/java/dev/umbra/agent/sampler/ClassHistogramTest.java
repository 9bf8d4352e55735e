package dev.umbra.agent.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.agent.telemetry.AgentEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClassHistogramTest {
  @Test
  void keepsTheTopClasses_andSumsTheRest() {
    String text = String.join("\n",
        " num     #instances         #bytes  class name (module)",
        "-------------------------------------------------------",
        "   1:          1000        4000000  [B (java.base@17.0.15)",
        "   2:           500         120000  java.lang.String (java.base@17.0.15)",
        "   3:            10           3000  com.example.Thing",
        "Total          1510        4123000");

    AgentEvent.Classes h = ClassHistogram.parse(text, 1L, Duration.ofMinutes(5), 2);

    assertThat(h.kind()).isEqualTo(AgentEvent.ClassesKind.HISTOGRAM);
    assertThat(h.classes()).containsExactly(
        new AgentEvent.ClassBytes("[B", 4_000_000, 1000),
        new AgentEvent.ClassBytes("java.lang.String", 120_000, 500));
    assertThat(h.otherBytes()).isEqualTo(3000);
  }

  @Test
  void readsTheLiveJvm_throughTheMBeanServer() throws Exception {
    AgentEvent.Classes h = ClassHistogram.take(DiagnosticCommands.throughMBeanServer(), 1L, Duration.ofMinutes(1), 5);

    assertThat(h.classes()).hasSize(5).allSatisfy(c -> assertThat(c.bytes()).isPositive());
  }

  @Test
  void readsTheLiveJvm_withoutAnMBeanServer() throws Exception {
    // surefire opens the package as the agent does with Instrumentation.redefineModule (pom.xml)
    DiagnosticCommands direct = DirectDiagnosticCommands.find().orElseThrow();

    AgentEvent.Classes h = ClassHistogram.take(direct, 1L, Duration.ofMinutes(1), 5);

    assertThat(h.classes()).hasSize(5).allSatisfy(c -> assertThat(c.bytes()).isPositive());
  }

  @Test
  void namesTheMBeanOperation_asTheJdkDoes() {
    assertThat(DiagnosticCommands.operation("GC.class_histogram")).isEqualTo("gcClassHistogram");
    assertThat(DiagnosticCommands.operation("VM.native_memory")).isEqualTo("vmNativeMemory");
    assertThat(DiagnosticCommands.operation("Thread.print")).isEqualTo("threadPrint");
  }
}
