package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;

/**
 * Token leases of a {@code leased} policy: a gateway takes up to {@code maxBatch} tokens at once
 * (never more than half of the spare tokens divided by the live gateways) and spends them for at
 * most {@code ttl}, then returns what is left.
 *
 * <pre>
 * lease: {maxBatch: 100, ttl: 100ms}
 * </pre>
 */
public record LeaseConfig(int maxBatch, Duration ttl) {
  public static final LeaseConfig DEFAULT = new LeaseConfig(100, Duration.ofMillis(100));

  static LeaseConfig from(ConfigNode node) {
    node.requireOnly("maxBatch", "ttl");
    Duration ttl = node.duration("ttl", DEFAULT.ttl(), Duration.ofMillis(1));
    if (ttl.compareTo(Duration.ofSeconds(10)) > 0) {
      throw node.error("ttl", node.string("ttl"), "a duration from 1ms to 10s");
    }
    return new LeaseConfig(node.integer("maxBatch", DEFAULT.maxBatch(), 2, 10_000), ttl);
  }
}
