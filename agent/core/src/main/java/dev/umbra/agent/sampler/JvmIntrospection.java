package dev.umbra.agent.sampler;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import dev.umbra.agent.telemetry.Identity;
import dev.umbra.agent.telemetry.Workload;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the agent reads about its JVM once, at start. */
public final class JvmIntrospection {
  private JvmIntrospection() {}

  /**
   * @param systemProperties the JVM's properties as the agent saw them at start
   */
  public static Identity identity(Map<String, String> systemProperties) {
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    String host = hostName();
    long pid = ProcessHandle.current().pid();
    long start = runtime.getStartTime();
    String command = systemProperties.getOrDefault("sun.java.command", "");
    Workload workload = Workload.of(command);
    List<String> inputArguments = runtime.getInputArguments().stream()
        .filter(a -> !a.startsWith("-javaagent:") && !a.startsWith("-Dumbra."))
        .collect(Collectors.toList());
    String main = command.isBlank() ? "" : command.trim().split("\\s+")[0];
    List<String> gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).collect(Collectors.toList());
    Identity.JvmFacts facts = new Identity.JvmFacts(
        systemProperties.getOrDefault("java.version", ""),
        systemProperties.getOrDefault("java.vm.vendor", ""),
        systemProperties.getOrDefault("java.vm.name", ""),
        inputArguments, main, gcs, Runtime.getRuntime().maxMemory(),
        Runtime.getRuntime().availableProcessors(), containerCpuLimit(), containerMemoryLimit(),
        systemProperties.getOrDefault("os.name", "") + " " + systemProperties.getOrDefault("os.arch", ""));
    return new Identity(host + "/" + pid + "/" + start, workload, host, pid, start, facts);
  }

  /**
   * The identity of this JVM restored from a CRaC image at {@code restoreUnixMs}: a new run, so a
   * new primary id ({@code <host>/<pid>/<restore ms>}, host and pid read again, since an image
   * may be restored elsewhere), the same workload and JVM facts.
   */
  public static Identity restored(Identity before, long restoreUnixMs) {
    String host = hostName();
    long pid = ProcessHandle.current().pid();
    return new Identity(host + "/" + pid + "/" + restoreUnixMs, before.workload(), host, pid, restoreUnixMs, before.jvm());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** Container CPU limit in cores from cgroup v2 {@code cpu.max}; 0 when none is set. */
  private static double containerCpuLimit() {
    try {
      String[] max = Files.readString(Path.of("/sys/fs/cgroup/cpu.max")).trim().split("\\s+");
      return max[0].equals("max") ? 0 : Double.parseDouble(max[0]) / Double.parseDouble(max[1]);
    } catch (Exception e) {
      return 0;
    }
  }

  /** Container memory limit from cgroup v2 {@code memory.max}; 0 when none is set. */
  private static long containerMemoryLimit() {
    try {
      String max = Files.readString(Path.of("/sys/fs/cgroup/memory.max")).trim();
      return max.equals("max") ? 0 : Long.parseLong(max);
    } catch (Exception e) {
      return 0;
    }
  }

  /** Flags {@code HotSpotDiagnosticMXBean.setVMOption} accepts in this JVM. */
  public static List<String> manageableFlags() {
    try {
      HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return bean.getDiagnosticOptions().stream().filter(VMOption::isWriteable).map(VMOption::getName)
          .sorted().collect(Collectors.toList());
    } catch (Throwable t) {
      return List.of();
    }
  }

  /** True on a CRaC-enabled JDK (one that knows {@code -XX:CRaCCheckpointTo}). */
  public static boolean cracAvailable() {
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("CRaCCheckpointTo");
      return true;
    } catch (Throwable t) {
      return false;
    }
  }
}
