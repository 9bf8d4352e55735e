package dev.umbra.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the agent reaches its shadow: the addresses to try in order (the agent fails over to the
 * next one when a stream cannot be opened or is lost), whether one of them is spawned when
 * nothing answers there, the bearer token, TLS, and how a spawned shadow is started.
 *
 * @param targets at least one; at most one is {@link Target#spawn()}
 * @param token sent as {@code authorization: Bearer <token>} on every call when present
 * @param tls TLS to the shadow when present (plaintext otherwise)
 * @param spawn how a shadow is started for a spawn target (unused without one)
 */
public record ShadowTargets(List<Target> targets, Optional<String> token, Optional<Tls> tls, SpawnSettings spawn) {

  public ShadowTargets {
    targets = List.copyOf(targets);
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(spawn, "spawn");
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("no shadow address");
    }
    if (targets.stream().filter(Target::spawn).count() > 1) {
      throw new IllegalArgumentException("at most one spawn entry");
    }
  }

  /** One address, plaintext, no token: the agent's default ({@code 127.0.0.1:7070}). */
  public static ShadowTargets of(ShadowAddress address) {
    return new ShadowTargets(List.of(new Target(address, false)), Optional.empty(), Optional.empty(),
        SpawnSettings.defaults());
  }

  /**
   * Where the agent reads its token when none is configured: {@code credentials/agent.token} in
   * the shadow's default data folder ({@link SpawnSettings#dataDirOrDefault}), which a shadow of
   * the same user makes on its first start, readable by that user only.
   */
  public Path credentialFile() {
    return spawn.dataDirOrDefault().resolve("credentials").resolve("agent.token");
  }

  /** The first address: the one the agent tries first. */
  public ShadowAddress first() {
    return targets.get(0).address();
  }

  /** {@code a:1|spawn:127.0.0.1:7070}, as the option is written. */
  @Override
  public String toString() {
    return targets.stream().map(Target::toString).collect(Collectors.joining("|"))
        + tls.map(t -> " (tls)").orElse("");
  }

  /**
   * One shadow address.
   *
   * @param spawn when nothing answers here, start {@code umbra serve} on it (loopback only)
   */
  public record Target(ShadowAddress address, boolean spawn) {
    public Target {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
      return (spawn ? "spawn:" : "") + address;
    }
  }

  /**
   * TLS to the shadow.
   *
   * @param trustedCertificates a PEM file of the certificates to trust (for a self-signed shadow
   *     certificate or a private CA); empty: the JDK's default trust store
   */
  public record Tls(Optional<Path> trustedCertificates) {
    public Tls {
      Objects.requireNonNull(trustedCertificates, "trustedCertificates");
    }
  }
}
