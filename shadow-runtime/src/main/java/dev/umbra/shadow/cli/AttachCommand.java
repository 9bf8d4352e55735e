package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.CredentialFiles;
import dev.umbra.shadow.auth.Role;
import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code umbra attach}: load the agent into a running JVM. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = {
      "Load the Umbra agent into a running JVM through the Attach API.",
      "Example: umbra attach 12345 shadow=127.0.0.1:7070,criticality=high",
      "The agent jar is --agent-jar, else $UMBRA_AGENT_JAR, else umbra-agent.jar beside",
      "umbra-shadow.jar, else agent/core/target/umbra-agent.jar in a source checkout."
    })
final class AttachCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
  long pid;

  @Parameters(index = "1", arity = "0..1", paramLabel = "OPTIONS", description = "Agent options, as after -javaagent:umbra-agent.jar=")
  String options;

  @Option(names = "--agent-jar", paramLabel = "JAR", description = "The umbra-agent.jar to load.")
  Path agentJar;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:UMBRA_DATA:-.umbra}",
      description = "The shadow's data folder: without token.file in OPTIONS the agent is given its"
          + " credentials/agent.token, when that exists (default ${DEFAULT-VALUE}; env UMBRA_DATA).")
  Path data;

  /** A failure to attach, one line for the user (exit 1). */
  static final class AttachFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    AttachFailedException(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() throws Exception {
    Path jar = locateAgentJar(agentJar, System.getenv(), shadowJarFolder())
        .orElseThrow(() -> new AttachFailedException("cannot find umbra-agent.jar: give --agent-jar or set UMBRA_AGENT_JAR"));
    if (ProcessHandle.of(pid).isEmpty()) {
      throw new AttachFailedException("no process with pid " + pid);
    }
    VirtualMachine vm;
    try {
      vm = VirtualMachine.attach(Long.toString(pid));
    } catch (AttachNotSupportedException e) {
      throw new AttachFailedException("cannot attach to pid " + pid + " (not a JVM, or attach refused): " + e.getMessage());
    } catch (IOException e) {
      throw new AttachFailedException("cannot attach to pid " + pid + ": " + e.getMessage());
    }
    try {
      vm.loadAgent(jar.toString(), agentOptions(options == null ? "" : options, data));
    } catch (AgentLoadException | AgentInitializationException e) {
      throw new AttachFailedException("pid " + pid + " refused the agent " + jar + ": " + e.getMessage());
    } catch (IOException e) {
      throw new AttachFailedException("loading the agent into pid " + pid + " failed: " + e.getMessage());
    } finally {
      try {
        vm.detach();
      } catch (IOException e) {
        // the agent is loaded; a failed detach only leaves the attach socket to the JVM
      }
    }
    System.out.println("umbra: agent " + jar + " loaded into pid " + pid);
    return 0;
  }

  /**
   * {@code options} with {@code token.file=} the agent credential of the shadow's data folder
   * added when they name no token and that file exists.
   *
   * @throws UsageException for {@code token=}: this command's arguments are in the process list
   */
  static String agentOptions(String options, Path data) throws UsageException {
    boolean hasTokenFile = false;
    for (String option : options.split(",")) {
      String key = option.contains("=") ? option.substring(0, option.indexOf('=')).strip() : option.strip();
      if (key.equals("token")) {
        throw new UsageException("token= on the command line is visible to every local user; use token.file=FILE");
      }
      hasTokenFile |= key.equals("token.file");
    }
    Path credential = CredentialFiles.file(data, Role.AGENT).toAbsolutePath().normalize();
    if (hasTokenFile || !Files.isRegularFile(credential)) {
      return options;
    }
    return (options.isBlank() ? "" : options + ",") + "token.file=" + credential;
  }

  /** The folder of the running umbra-shadow.jar, when run from a jar. */
  static Optional<Path> shadowJarFolder() {
    try {
      Path self = Path.of(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(self) ? Optional.ofNullable(self.getParent()) : Optional.empty();
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Path> locateAgentJar(Path explicit, Map<String, String> env, Optional<Path> shadowJarFolder)
      throws AttachFailedException {
    if (explicit != null) {
      if (!Files.isRegularFile(explicit)) {
        throw new AttachFailedException("--agent-jar " + explicit + " is not a file");
      }
      return Optional.of(explicit.toAbsolutePath());
    }
    String fromEnv = env.get("UMBRA_AGENT_JAR");
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path path = Path.of(fromEnv);
      if (!Files.isRegularFile(path)) {
        throw new AttachFailedException("UMBRA_AGENT_JAR=" + fromEnv + " is not a file");
      }
      return Optional.of(path.toAbsolutePath());
    }
    List<Path> candidates = new ArrayList<>();
    shadowJarFolder.ifPresent(folder -> {
      candidates.add(folder.resolve("umbra-agent.jar"));
      candidates.add(folder.resolve("../../agent/core/target/umbra-agent.jar"));
    });
    return candidates.stream().filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize()).findFirst();
  }
}
