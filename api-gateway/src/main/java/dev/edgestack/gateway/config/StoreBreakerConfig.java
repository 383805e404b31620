package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * The breaker in front of the store: after {@code failures} consecutive failures or timeouts the
 * policy stops asking the store for {@code openFor} (its {@code onStoreFailure} applies at once,
 * without waiting), then lets one probe through.
 *
 * <pre>
 * storeBreaker: {failures: 3, openFor: 2s}
 * </pre>
 */
public record StoreBreakerConfig(int failures, Duration openFor) {
  public static final StoreBreakerConfig DEFAULT = new StoreBreakerConfig(3, Duration.ofSeconds(2));

  static StoreBreakerConfig from(ConfigNode node) {
    node.requireOnly("failures", "openFor");
    return new StoreBreakerConfig(
        node.integer("failures", DEFAULT.failures(), 1, 1000),
        node.duration("openFor", DEFAULT.openFor(), Duration.ofMillis(10)));
  }
}
