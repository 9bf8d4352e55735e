package dev.umbra.shadow.supervisor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary's command line: {@code <java> [jvm options] <main class | -jar app.jar> [args]}, and
 * the variants the supervisor launches. Immutable.
 */
public record PrimaryCommand(List<String> argv) {
  public PrimaryCommand {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("the primary's command is empty: give it after --, e.g. -- java -jar app.jar");
    }
    String exe = Path.of(argv.get(0)).getFileName().toString();
    if (!exe.equals("java") && !exe.equals("java.exe")) {
      throw new IllegalArgumentException("the primary's command must start with a java executable, not '" + argv.get(0)
          + "' (umbra run injects the agent right after it)");
    }
  }

  public String java() {
    return argv.get(0);
  }

  /** The same JDK's {@code jcmd}: beside {@code java}, or on the PATH when java was. */
  public String jcmd() {
    Path java = Path.of(java());
    return java.getParent() == null ? "jcmd" : java.resolveSibling("jcmd").toString();
  }

  /** Inserts {@code options} right after the java executable, before the application's own options. */
  public PrimaryCommand withJvmOptions(List<String> options) {
    List<String> out = new ArrayList<>();
    out.add(argv.get(0));
    out.addAll(options);
    out.addAll(argv.subList(1, argv.size()));
    return new PrimaryCommand(out);
  }

  /** With {@code -javaagent:<jar>=<options>} right after java. */
  public PrimaryCommand withAgent(Path agentJar, String agentOptions) {
    return withJvmOptions(List.of("-javaagent:" + agentJar + (agentOptions.isEmpty() ? "" : "=" + agentOptions)));
  }

  /**
   * Wrapped so that the process enters {@code cgroupProcsFiles} before it executes java: the JVM
   * is charged to its cgroup from its first allocation, and keeps the shell's pid.
   */
  public List<String> inCgroups(List<Path> cgroupProcsFiles) {
    if (cgroupProcsFiles.isEmpty()) {
      return argv;
    }
    StringBuilder script = new StringBuilder();
    for (Path procs : cgroupProcsFiles) {
      script.append("echo $$ > '").append(procs.toString().replace("'", "'\\''")).append("' || exit 125; ");
    }
    script.append("exec \"$@\"");
    List<String> out = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "umbra-primary"));
    out.addAll(argv);
    return out;
  }
}
