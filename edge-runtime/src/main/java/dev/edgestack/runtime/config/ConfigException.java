package dev.edgestack.runtime.config;

/**
 * A configuration file that cannot be used. The message always names the file, the key and what was
 * expected, for example {@code config/api-gateway.yaml: routes[2].timeout: "-1s" (expected: a
 * duration > 0 such as 500ms or 2s)}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
