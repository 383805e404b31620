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
 *
 * <p>{@code maxBatch} defaults to 0.1 % of the policy's limit, and at least 100. Every refill is a
 * store call, so a fixed batch makes a busy key pay per request the same however high its limit; a
 * batch in proportion to the limit keeps the false-rejection bound, {@code (N − 1) × maxBatch}, the
 * same share of the limit (0.1 % per other gateway) instead.
 */
public record LeaseConfig(int maxBatch, Duration ttl) {
  /** The lease of a policy whose limit is at most 100,000 tokens per period. */
  public static final LeaseConfig DEFAULT = new LeaseConfig(100, Duration.ofMillis(100));

  private static final int MAX_BATCH = 10_000;

  /** The lease of a policy of {@code limit} tokens per period that configures none. */
  public static LeaseConfig defaultFor(long limit) {
    return new LeaseConfig(defaultMaxBatch(limit), DEFAULT.ttl());
  }

  static int defaultMaxBatch(long limit) {
    return (int) Math.max(DEFAULT.maxBatch(), Math.min(MAX_BATCH, limit / 1_000));
  }

  static LeaseConfig from(ConfigNode node, long limit) {
    node.requireOnly("maxBatch", "ttl");
    Duration ttl = node.duration("ttl", DEFAULT.ttl(), Duration.ofMillis(1));
    if (ttl.compareTo(Duration.ofSeconds(10)) > 0) {
      throw node.error("ttl", node.string("ttl"), "a duration from 1ms to 10s");
    }
    return new LeaseConfig(node.integer("maxBatch", defaultMaxBatch(limit), 2, MAX_BATCH), ttl);
  }
}
