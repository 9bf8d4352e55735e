package dev.umbra.shadow.ingest;

/** Where a primary's stream stands. */
public enum PrimaryState {
  /** A stream is open. */
  CONNECTED,
  /** The stream closed; the agent may reconnect. */
  DISCONNECTED,
  /** Disconnected for longer than the grace period, or known only from history. */
  GONE
}
