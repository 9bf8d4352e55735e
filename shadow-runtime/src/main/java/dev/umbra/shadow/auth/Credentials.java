package dev.umbra.shadow.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The token of each role. A token held by several roles (the legacy {@code token} is both the
 * agent's and the reader's) grants them all; the operator's token grants the reader's role too.
 * {@link #toString} names no token.
 */
public final class Credentials {
  private final Map<Role, byte[]> tokens = new EnumMap<>(Role.class);

  /** @param tokens one non-blank token per role, every role present */
  public Credentials(Map<Role, String> tokens) {
    for (Role role : Role.values()) {
      String token = Objects.requireNonNull(tokens.get(role), role.fileName());
      if (token.isBlank()) {
        throw new IllegalArgumentException("the " + role.fileName() + " token is blank");
      }
      this.tokens.put(role, token.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The roles {@code presented} grants, empty for null or an unknown token. Compares with every
   * token, each in constant time, so the time taken says nothing about which one nearly matched.
   */
  public Set<Role> rolesOf(String presented) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (presented == null) {
      return roles;
    }
    byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
    for (Map.Entry<Role, byte[]> e : tokens.entrySet()) {
      if (MessageDigest.isEqual(e.getValue(), bytes)) {
        roles.add(e.getKey());
      }
    }
    if (roles.contains(Role.OPERATOR)) {
      roles.add(Role.READER);
    }
    return roles;
  }

  @Override
  public String toString() {
    return "Credentials(redacted)";
  }
}
