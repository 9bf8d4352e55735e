package dev.umbra.shadow.auth;

import java.util.Locale;

/**
 * What a token lets its holder do ({@code docs/security.md}, "Roles"). Which RPC needs which role
 * is one table, {@code dev.umbra.shadow.grpc.RpcRoles}.
 */
public enum Role {
  /** Streams its own primary (Connect, its own checkpoints); proves the session secret for that. */
  AGENT,
  /** Reads: queries, the dashboard and its JSON. */
  READER,
  /** Acts: checkpoint, rollback, checkpoint contents, sampling; and everything a reader can. */
  OPERATOR;

  /** The credential file's name: {@code agent.token}, {@code reader.token}, {@code operator.token}. */
  public String fileName() {
    return name().toLowerCase(Locale.ROOT) + ".token";
  }
}
