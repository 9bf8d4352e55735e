package dev.umbra.shadow.cli;

import dev.umbra.shadow.auth.CredentialFiles;
import dev.umbra.shadow.auth.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the commands that query a running shadow. */
final class ClientOptions {
  @Option(
      names = "--shadow",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:UMBRA_SHADOW:-127.0.0.1:7070}",
      description = "Shadow to ask (default ${DEFAULT-VALUE}; env UMBRA_SHADOW).")
  String shadow;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:UMBRA_DATA:-.umbra}",
      description = "The shadow's data folder, whose credentials/<role>.token is sent (default ${DEFAULT-VALUE}; env UMBRA_DATA).")
  Path data;

  @Option(names = "--token-file", paramLabel = "FILE", defaultValue = "${env:UMBRA_TOKEN_FILE}",
      description = "Send the token in this file instead (env UMBRA_TOKEN_FILE; or the token itself in UMBRA_TOKEN).")
  Path tokenFile;

  /** Refused: a token on the command line is in every local user's process list. */
  @Option(names = "--token", paramLabel = "TOKEN", hidden = true)
  String token;

  @Option(names = "--tls", description = "Use TLS (needed for a shadow that is not on loopback).")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", defaultValue = "${env:UMBRA_TLS_CA}",
      description = "Trust this certificate (PEM) for TLS, e.g. the shadow's self-signed one; implies --tls (env UMBRA_TLS_CA).")
  String tlsCa;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  /**
   * The bearer token to send for a command that needs {@code role}, first found: {@code
   * --token-file}, {@code UMBRA_TOKEN}, the data folder's {@code credentials/<role>.token}. Empty
   * when none of them exists (the shadow then answers UNAUTHENTICATED).
   *
   * @throws UsageException for {@code --token} on the command line
   * @throws IOException when a credential file exists but cannot be read (another user's shadow)
   */
  Optional<String> token(Role role, Map<String, String> env) throws UsageException, IOException {
    if (token != null) {
      throw new UsageException("--token on the command line is visible to every local user; use --token-file FILE,"
          + " UMBRA_TOKEN_FILE or UMBRA_TOKEN");
    }
    if (tokenFile != null) {
      return Optional.of(CredentialFiles.read(tokenFile));
    }
    String fromEnv = env.get("UMBRA_TOKEN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Optional.of(fromEnv.strip());
    }
    Path file = CredentialFiles.file(data, role);
    if (!Files.exists(file) && !Files.isDirectory(file.getParent())) {
      return Optional.empty(); // no local shadow with this data folder: a remote one wants --token-file
    }
    return Optional.of(CredentialFiles.read(file)); // one line when this user may not read it
  }
}
