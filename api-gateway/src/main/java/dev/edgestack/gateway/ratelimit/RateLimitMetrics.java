package dev.edgestack.gateway.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One policy's meters: {@code edge_ratelimit_decisions_total{policy,decision}}, {@code
 * edge_ratelimit_store_latency_seconds} (histogram), {@code edge_ratelimit_leased_tokens_total},
 * {@code edge_ratelimit_over_limit_cache_hits_total}, {@code edge_ratelimit_near_limit_total},
 * {@code edge_ratelimit_store_failures_total}, {@code edge_ratelimit_store_switches_total{to}},
 * {@code edge_ratelimit_refunds_total}, {@code edge_ratelimit_coalesced_total}, {@code
 * edge_ratelimit_early_refills_total} and the gauge {@code edge_ratelimit_store_degraded}.
 */
final class RateLimitMetrics {
  private final Map<RateLimitDecision, Counter> decisions = new EnumMap<>(RateLimitDecision.class);
  final Timer storeLatency;
  final Counter leasedTokens;
  final Counter overLimitCacheHits;
  final Counter nearLimit;
  final Counter storeFailures;
  final Counter degradedSwitches;
  final Counter recoveredSwitches;
  final Counter refunds;
  final Counter coalesced;
  final Counter earlyRefills;

  RateLimitMetrics(String policy, MeterRegistry registry, Supplier<Boolean> degraded) {
    for (RateLimitDecision decision : RateLimitDecision.values()) {
      decisions.put(
          decision,
          Counter.builder("edge_ratelimit_decisions")
              .description("Rate-limit decisions by policy and outcome")
              .tag("policy", policy)
              .tag("decision", decision.tag())
              .register(registry));
    }
    storeLatency =
        Timer.builder("edge_ratelimit_store_latency")
            .description("Round trips to the rate-limit store, failures and timeouts included")
            .tag("policy", policy)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(50_000))
            .maximumExpectedValue(Duration.ofSeconds(2))
            .register(registry);
    leasedTokens = counter(registry, "edge_ratelimit_leased_tokens", policy, "Tokens leased");
    overLimitCacheHits =
        counter(
            registry,
            "edge_ratelimit_over_limit_cache_hits",
            policy,
            "Rejections answered from the local over-limit cache");
    nearLimit =
        counter(
            registry,
            "edge_ratelimit_near_limit",
            policy,
            "Admitted requests that left less than a tenth of the burst");
    storeFailures =
        counter(
            registry,
            "edge_ratelimit_store_failures",
            policy,
            "Rate-limit store calls that failed or timed out");
    degradedSwitches = switches(registry, policy, "degraded");
    recoveredSwitches = switches(registry, policy, "available");
    refunds =
        counter(
            registry,
            "edge_ratelimit_refunds",
            policy,
            "Admissions given back because another policy rejected the request");
    coalesced =
        counter(
            registry,
            "edge_ratelimit_coalesced",
            policy,
            "Exact decisions that shared a store round trip with an earlier request of their key");
    earlyRefills =
        counter(
            registry,
            "edge_ratelimit_early_refills",
            policy,
            "Lease grants fetched while the current grant still had tokens");
    Gauge.builder("edge_ratelimit_store_degraded", () -> degraded.get() ? 1 : 0)
        .description("1 while the policy applies onStoreFailure without asking the store")
        .tag("policy", policy)
        .register(registry);
  }

  void decided(RateLimitDecision decision) {
    decisions.get(decision).increment();
  }

  private static Counter counter(
      MeterRegistry registry, String name, String policy, String description) {
    return Counter.builder(name).description(description).tag("policy", policy).register(registry);
  }

  private static Counter switches(MeterRegistry registry, String policy, String to) {
    return Counter.builder("edge_ratelimit_store_switches")
        .description("Switches between asking the store and applying onStoreFailure")
        .tag("policy", policy)
        .tag("to", to)
        .register(registry);
  }
}
