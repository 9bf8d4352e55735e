package dev.umbra.it.agent;

import dev.umbra.it.support.JavaProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One configuration of a primary in the overhead benchmarks, parsed from its label:
 * {@code none}; {@code jfr-default} (no agent, JFR's {@code default} recording, for scale);
 * {@code otel} (no Umbra agent, the OpenTelemetry Java agent from {@code -Dumbra.bench.otel.jar}
 * with every exporter off, for scale); {@code jvm:<args>} (no agent, these JVM arguments,
 * space-separated); otherwise the agent with
 * a criticality ({@code normal}) or agent options ({@code criticality=normal,jfr=false}),
 * optionally from another agent jar ({@code normal@/tmp/umbra-agent-before.jar}), which lets
 * one run interleave two builds of the agent.
 */
record BenchConfig(String label, Optional<Path> agentJar, String agentOptions, List<String> jvmArgs) {

  static BenchConfig parse(String label) {
    if (label.equals("none")) {
      return new BenchConfig(label, Optional.empty(), "", List.of());
    }
    if (label.equals("jfr-default")) {
      return new BenchConfig(label, Optional.empty(), "", List.of("-XX:StartFlightRecording:settings=default"));
    }
    if (label.equals("otel")) {
      String jar = System.getProperty("umbra.bench.otel.jar");
      if (jar == null || jar.isBlank()) {
        throw new IllegalArgumentException("config otel needs -Dumbra.bench.otel.jar=/path/opentelemetry-javaagent.jar");
      }
      // the agent instruments Jetty and the JDK as in production; nothing is exported
      return new BenchConfig(label, Optional.empty(), "", List.of("-javaagent:" + jar, "-Dotel.traces.exporter=none",
          "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none"));
    }
    if (label.startsWith("jvm:")) {
      return new BenchConfig(label, Optional.empty(), "",
          Arrays.stream(label.substring(4).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    }
    String options = label;
    Path jar = null;
    int at = label.indexOf('@');
    if (at >= 0) {
      options = label.substring(0, at);
      jar = Path.of(label.substring(at + 1));
    }
    if (!options.contains("=")) {
      options = "criticality=" + options;
    }
    return new BenchConfig(label, Optional.of(jar == null ? JavaProcess.agentJar() : jar), options, List.of());
  }

  boolean agent() {
    return agentJar.isPresent();
  }

  /** The primary's JVM arguments; {@code collectorPort} is where the agent streams to. */
  List<String> jvm(int collectorPort) {
    List<String> jvm = new ArrayList<>(jvmArgs);
    agentJar.ifPresent(jar -> jvm.add("-javaagent:" + jar + "=shadow=127.0.0.1:" + collectorPort + "," + agentOptions));
    return jvm;
  }

  /** A file-name-safe form of the label. */
  String slug() {
    String s = label.replaceAll("[^A-Za-z0-9.=-]", "_");
    return s.length() > 60 ? s.substring(0, 60) + "-" + Integer.toHexString(label.hashCode()) : s;
  }
}
