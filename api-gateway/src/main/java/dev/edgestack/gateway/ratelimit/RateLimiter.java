package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.Consistency;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitKey;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rate-limit step: asks every policy of a route at once and admits the request only if all
 * admit it. When one rejects, every policy that admitted gives its tokens back, so a rejected
 * request consumes nothing; the answer is 429 with the longest {@code Retry-After} of the rejecting
 * policies, or 503 when a {@code fail-closed} policy could not ask its store.
 */
public final class RateLimiter {
  private final Map<String, PolicyLimiter> limiters;
  private final Vertx vertx;
  private final List<Long> timers = new ArrayList<>();

  public RateLimiter(
      Collection<RateLimitConfig> policies,
      RateLimitStore store,
      Vertx vertx,
      Clock clock,
      MeterRegistry registry) {
    this.vertx = vertx;
    Map<String, PolicyLimiter> byName = new LinkedHashMap<>();
    for (RateLimitConfig policy : policies) {
      byName.put(policy.name(), new PolicyLimiter(policy, store, vertx, clock, registry));
    }
    this.limiters = Map.copyOf(byName);
  }

  /** Starts returning expired leases and forgetting expired over-limit entries periodically. */
  public RateLimiter startSweeping() {
    for (PolicyLimiter limiter : limiters.values()) {
      RateLimitConfig policy = limiter.policy();
      Duration every =
          policy.consistency() == Consistency.LEASED ? policy.lease().ttl() : Duration.ofSeconds(5);
      timers.add(vertx.setPeriodic(Math.max(10, every.toMillis()), id -> limiter.sweep()));
    }
    return this;
  }

  public void close() {
    timers.forEach(vertx::cancelTimer);
  }

  /** Runs every policy's periodic work once (tests drive it with their clock). */
  Future<Void> sweep() {
    return Future.join(limiters.values().stream().map(PolicyLimiter::sweep).toList()).mapEmpty();
  }

  /**
   * Admits the request under every named policy; {@code keys} gives the request's value of each key
   * (such as its client address).
   */
  public Future<List<RateLimitStatus>> admit(
      List<String> policies, Function<RateLimitKey, String> keys) {
    if (policies.size() == 1) {
      // The usual case, decided locally most of the time: no composition unless it must wait.
      PolicyLimiter limiter = limiters.get(policies.get(0));
      if (limiter == null) {
        return unknown(policies.get(0));
      }
      Future<PolicyDecision> decision = limiter.decide(keys.apply(limiter.policy().key()));
      return decision.succeeded()
          ? concludeOne(decision.result())
          : decision.compose(RateLimiter::concludeOne);
    }
    List<Future<PolicyDecision>> decisions = new ArrayList<>(policies.size());
    for (String name : policies) {
      PolicyLimiter limiter = limiters.get(name);
      if (limiter == null) {
        return unknown(name);
      }
      decisions.add(limiter.decide(keys.apply(limiter.policy().key())));
    }
    return Future.all(decisions).compose(all -> conclude(all.list()));
  }

  private static <T> Future<T> unknown(String policy) {
    return Future.failedFuture(
        EdgeFailure.of(FailureKind.INTERNAL, "Unknown rate limit " + policy));
  }

  private static Future<List<RateLimitStatus>> concludeOne(PolicyDecision decision) {
    if (decision.status().decision().admits()) {
      return Future.succeededFuture(List.of(decision.status()));
    }
    return conclude(List.of(decision));
  }

  private static Future<List<RateLimitStatus>> conclude(List<PolicyDecision> decisions) {
    List<RateLimitStatus> statuses = new ArrayList<>(decisions.size());
    RateLimitStatus overLimit = null;
    RateLimitStatus unavailable = null;
    for (PolicyDecision decision : decisions) {
      RateLimitStatus status = decision.status();
      statuses.add(status);
      if (status.decision().overLimit()) {
        if (overLimit == null || status.retryAfterSeconds() > overLimit.retryAfterSeconds()) {
          overLimit = status;
        }
      } else if (!status.decision().admits()) {
        unavailable = status;
      }
    }
    if (overLimit == null && unavailable == null) {
      return Future.succeededFuture(List.copyOf(statuses));
    }
    decisions.forEach(decision -> decision.refund().run());
    if (overLimit != null) {
      return Future.failedFuture(RateLimitHeaders.rejected(overLimit, statuses));
    }
    return Future.failedFuture(
        EdgeFailure.of(
                FailureKind.UNAVAILABLE,
                "Rate limit " + unavailable.policy().name() + " cannot be checked right now")
            .withHeader(RateLimitHeaders.RETRY_AFTER, "1"));
  }
}
