package dev.umbra.agent.spawn;

import dev.umbra.agent.config.ShadowAddress;
import dev.umbra.agent.config.SpawnSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The command line and environment of a spawned {@code umbra serve}: the primary's own java, the
 * heap and off-heap caps, {@code --exit-when-idle}, the cgroup limits, loopback only, and
 * {@code setsid} in front when the host has it so that the shadow is in a session of its own
 * (no terminal hang-up, no signal sent to the primary's process group reaches it).
 */
final class SpawnCommand {
  private SpawnCommand() {}

  static List<String> command(Path java, Path shadowJar, ShadowAddress address, SpawnSettings settings,
      Path dataDir, Optional<Path> setsid) {
    List<String> command = new ArrayList<>();
    setsid.ifPresent(s -> command.add(s.toString()));
    command.add(java.toString());
    long heap = settings.heapBytes();
    long offHeap = settings.offHeapBytes();
    command.add("-Xmx" + mebibytes(heap));
    command.add("-XX:MaxDirectMemorySize=" + mebibytes(offHeap));
    // ND4J's native memory (JavaCPP): its own cap, and the whole process kept under heap + 2x off-heap
    command.add("-Dorg.bytedeco.javacpp.maxbytes=" + mebibytes(offHeap));
    command.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + mebibytes(heap + 2 * offHeap));
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(shadowJar.toString());
    command.add("serve");
    command.add("--host");
    command.add(address.host());
    command.add("--port");
    command.add(Integer.toString(address.port()));
    command.add("--http-port");
    command.add(Integer.toString(settings.httpPort()));
    command.add("--data");
    command.add(dataDir.toString());
    command.add("--exit-when-idle");
    command.add(settings.idleExit().toMillis() + "ms");
    settings.cpuCores().ifPresent(c -> {
      command.add("--cpu");
      command.add(String.format(Locale.ROOT, "%.3f", c));
    });
    settings.memoryBytes().ifPresent(m -> {
      command.add("--memory");
      command.add(Long.toString(m));
    });
    return command;
  }

  /**
   * Makes the primary's environment the shadow's: without {@code UMBRA_*} settings meant for the
   * agent or a shadow elsewhere, and without {@code JAVA_TOOL_OPTIONS} and friends, which could
   * load this agent into the shadow (which would then spawn a shadow of its own); one OpenBLAS
   * thread unless said otherwise; the agent's token as the shadow's.
   */
  static void environment(Map<String, String> env, Optional<String> token) {
    env.keySet().removeIf(k -> k.startsWith("UMBRA_"));
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.remove("_JAVA_OPTIONS");
    env.putIfAbsent("OMP_NUM_THREADS", "1");
    token.ifPresent(t -> env.put("UMBRA_TOKEN", t));
  }

  private static String mebibytes(long bytes) {
    return Math.max(1, bytes >> 20) + "m";
  }
}
