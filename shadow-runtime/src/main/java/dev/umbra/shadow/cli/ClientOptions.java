package dev.umbra.shadow.cli;

import picocli.CommandLine.Option;

/** Options shared by the commands that query a running shadow. */
final class ClientOptions {
  @Option(
      names = "--shadow",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:UMBRA_SHADOW:-127.0.0.1:7070}",
      description = "Shadow to ask (default ${DEFAULT-VALUE}; env UMBRA_SHADOW).")
  String shadow;

  @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:UMBRA_TOKEN}",
      description = "Bearer token, when the shadow requires one (env UMBRA_TOKEN).")
  String token;

  @Option(names = "--tls", description = "Use TLS (needed for a shadow that is not on loopback).")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM", defaultValue = "${env:UMBRA_TLS_CA}",
      description = "Trust this certificate (PEM) for TLS, e.g. the shadow's self-signed one; implies --tls (env UMBRA_TLS_CA).")
  String tlsCa;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;
}
