package dev.umbra.agent.config;

/** A bad agent option: the message names the key, the source and the value. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }
}
