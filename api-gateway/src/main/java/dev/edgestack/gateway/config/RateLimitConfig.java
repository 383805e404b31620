package dev.edgestack.gateway.config;

import dev.edgestack.runtime.config.ConfigNode;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A shared rate-limit policy: {@code limit} tokens per {@code period} per key, each request costing
 * {@code cost}, with bursts of up to {@code burst}, enforced across all gateway instances.
 *
 * <pre>
 * rateLimits:
 *   - name: rates-per-client
 *     key: client-address            # or [subject, route], header:X-Tenant, ...
 *     limit: 60
 *     period: 1m
 *     burst: 60                      # gcra only; default limit
 *     cost: 1
 *     algorithm: gcra                # or sliding-window
 *     mode: enforce                  # or shadow
 *     consistency: exact             # or leased (gcra only), with lease: {maxBatch: 100, ttl: 100ms}
 *                                    # (maxBatch: 0.1 % of limit by default, >= 100)
 *     callsInFlight: 2               # exact only: store calls per key and gateway at once, 1 .. 8
 *     storeTimeout: 200ms
 *     storeBreaker: {failures: 3, openFor: 2s}
 *     onStoreFailure: fail-open      # or fail-closed, local-share
 *     legacyHeaders: false           # X-RateLimit-Limit/-Remaining/-Reset as well
 * </pre>
 */
public record RateLimitConfig(
    String name,
    RateLimitKey key,
    LimitAlgorithmKind algorithm,
    int limit,
    Duration period,
    int burst,
    int cost,
    RateLimitMode mode,
    Consistency consistency,
    int callsInFlight,
    LeaseConfig lease,
    Duration storeTimeout,
    StoreBreakerConfig storeBreaker,
    StoreFailurePolicy onStoreFailure,
    boolean legacyHeaders) {
  /** Policy names appear in response headers as structured-field strings and in map names. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Store calls one key of an exact policy may have in flight from one gateway by default. */
  public static final int CALLS_IN_FLIGHT = 2;

  /** An exact, enforcing GCRA policy by client address with the burst equal to the limit. */
  public static RateLimitConfig of(String name, int limit, Duration period) {
    return new RateLimitConfig(
        name,
        RateLimitKey.CLIENT_ADDRESS,
        LimitAlgorithmKind.GCRA,
        limit,
        period,
        limit,
        1,
        RateLimitMode.ENFORCE,
        Consistency.EXACT,
        CALLS_IN_FLIGHT,
        LeaseConfig.defaultFor(limit),
        Duration.ofMillis(200),
        StoreBreakerConfig.DEFAULT,
        StoreFailurePolicy.FAIL_OPEN,
        false);
  }

  public RateLimitConfig withKey(RateLimitKey key) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withAlgorithm(LimitAlgorithmKind algorithm) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withBurst(int burst) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withCost(int cost) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withMode(RateLimitMode mode) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withLease(LeaseConfig lease) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        Consistency.LEASED,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withCallsInFlight(int callsInFlight) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withStore(
      Duration storeTimeout, StoreBreakerConfig storeBreaker, StoreFailurePolicy onStoreFailure) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  public RateLimitConfig withLegacyHeaders(boolean legacyHeaders) {
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        mode,
        consistency,
        callsInFlight,
        lease,
        storeTimeout,
        storeBreaker,
        onStoreFailure,
        legacyHeaders);
  }

  static RateLimitConfig from(ConfigNode node) {
    node.requireOnly(
        "name",
        "key",
        "algorithm",
        "limit",
        "period",
        "burst",
        "cost",
        "mode",
        "consistency",
        "callsInFlight",
        "lease",
        "storeTimeout",
        "storeBreaker",
        "onStoreFailure",
        "legacyHeaders");
    String name = node.string("name");
    if (!NAME.matcher(name).matches()) {
      throw node.error("name", name, "1 to 64 letters, digits, '.', '_' or '-'");
    }
    RateLimitKey key = RateLimitKey.from(node, "key");
    LimitAlgorithmKind algorithm =
        node.enumValue("algorithm", LimitAlgorithmKind.class, LimitAlgorithmKind.GCRA);
    int limit = node.integer("limit", 1, 1_000_000);
    Duration period = node.duration("period", Duration.ofSeconds(1));
    if (period.compareTo(Duration.ofDays(1)) > 0) {
      throw node.error("period", node.string("period"), "a duration from 1s to 1d");
    }
    if (algorithm == LimitAlgorithmKind.SLIDING_WINDOW && node.has("burst")) {
      throw node.error(
          "burst", node.string("burst"), "no burst with sliding-window (its burst is the limit)");
    }
    int burst = node.integer("burst", limit, 1, 1_000_000);
    int cost = node.integer("cost", 1, 1, burst);
    Consistency consistency = node.enumValue("consistency", Consistency.class, Consistency.EXACT);
    if (consistency == Consistency.LEASED && algorithm != LimitAlgorithmKind.GCRA) {
      throw node.error(
          "consistency", "leased", "exact with sliding-window (leases need gcra's smooth refill)");
    }
    if (node.has("lease") && consistency != Consistency.LEASED) {
      throw node.error("lease", "...", "no lease unless consistency is leased");
    }
    if (node.has("callsInFlight") && consistency != Consistency.EXACT) {
      throw node.error(
          "callsInFlight",
          node.string("callsInFlight"),
          "no callsInFlight unless consistency is exact");
    }
    int callsInFlight = node.integer("callsInFlight", CALLS_IN_FLIGHT, 1, 8);
    return new RateLimitConfig(
        name,
        key,
        algorithm,
        limit,
        period,
        burst,
        cost,
        node.enumValue("mode", RateLimitMode.class, RateLimitMode.ENFORCE),
        consistency,
        callsInFlight,
        node.optionalObject("lease")
            .map(lease -> LeaseConfig.from(lease, limit))
            .orElse(LeaseConfig.defaultFor(limit)),
        node.duration("storeTimeout", Duration.ofMillis(200), Duration.ofMillis(1)),
        node.optionalObject("storeBreaker")
            .map(StoreBreakerConfig::from)
            .orElse(StoreBreakerConfig.DEFAULT),
        node.enumValue("onStoreFailure", StoreFailurePolicy.class, StoreFailurePolicy.FAIL_OPEN),
        node.bool("legacyHeaders", false));
  }
}
