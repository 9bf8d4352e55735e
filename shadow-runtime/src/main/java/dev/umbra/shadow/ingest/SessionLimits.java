package dev.umbra.shadow.ingest;

/**
 * How many primaries may stream to this shadow at once, in all and from one client address
 * (the host part of the peer address, so all ports of one host count together). A primary that
 * reconnects while its old stream is still attached is always let in: it replaces, not adds.
 *
 * @param maxPrimaries connected primaries, at least 1
 * @param maxPrimariesPerAddress connected primaries from one address, at least 1
 */
public record SessionLimits(int maxPrimaries, int maxPrimariesPerAddress) {
  /** The default of {@code max-primaries}; the per-address limit defaults to the same. */
  public static final int DEFAULT_MAX_PRIMARIES = 1000;
  public static final SessionLimits DEFAULT = new SessionLimits(DEFAULT_MAX_PRIMARIES, DEFAULT_MAX_PRIMARIES);

  public SessionLimits {
    if (maxPrimaries < 1 || maxPrimariesPerAddress < 1) {
      throw new IllegalArgumentException(
          "max-primaries and max-primaries-per-address must be at least 1: " + maxPrimaries + ", "
              + maxPrimariesPerAddress);
    }
  }
}
