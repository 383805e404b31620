package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A shared rate-limit policy: {@code limit} requests per {@code period} per key, with bursts of up
 * to {@code burst} requests, enforced across all gateway instances (GCRA in the cluster).
 *
 * <pre>
 * rateLimits:
 *   - name: rates-per-client
 *     key: client-address
 *     limit: 60
 *     period: 1m
 *     burst: 60
 *     storeTimeout: 200ms
 *     onStoreFailure: fail-open
 * </pre>
 */
public record RateLimitConfig(
    String name,
    RateLimitKey key,
    int limit,
    Duration period,
    int burst,
    Duration storeTimeout,
    StoreFailurePolicy onStoreFailure) {
  /** Policy names appear in response headers as structured-field strings and in map names. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  static RateLimitConfig from(ConfigNode node) {
    node.requireOnly("name", "key", "limit", "period", "burst", "storeTimeout", "onStoreFailure");
    String name = node.string("name");
    if (!NAME.matcher(name).matches()) {
      throw node.error("name", name, "1 to 64 letters, digits, '.', '_' or '-'");
    }
    if (!node.has("key")) {
      throw node.error("key", null, "client-address");
    }
    int limit = node.integer("limit", 1, 1_000_000);
    Duration period = node.duration("period", Duration.ofSeconds(1));
    if (period.compareTo(Duration.ofDays(1)) > 0) {
      throw node.error("period", node.string("period"), "a duration from 1s to 1d");
    }
    return new RateLimitConfig(
        name,
        node.enumValue("key", RateLimitKey.class, RateLimitKey.CLIENT_ADDRESS),
        limit,
        period,
        node.integer("burst", limit, 1, 1_000_000),
        node.duration("storeTimeout", Duration.ofMillis(200), Duration.ofMillis(1)),
        node.enumValue("onStoreFailure", StoreFailurePolicy.class, StoreFailurePolicy.FAIL_OPEN));
  }
}
