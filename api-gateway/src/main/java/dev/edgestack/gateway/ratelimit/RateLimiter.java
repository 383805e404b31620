package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitKey;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The rate-limit step: evaluates a route's policies in order and stops at the first rejection (429
 * with {@code Retry-After} and the RateLimit fields) or fail-closed store failure (503). The
 * statuses of an admitted request are returned for the response's RateLimit fields.
 */
public final class RateLimiter {
  private final Map<String, PolicyLimiter> limiters;

  public RateLimiter(
      Collection<RateLimitConfig> policies,
      RateLimitStore store,
      Vertx vertx,
      Clock clock,
      MeterRegistry registry) {
    Map<String, PolicyLimiter> byName = new LinkedHashMap<>();
    for (RateLimitConfig policy : policies) {
      byName.put(policy.name(), new PolicyLimiter(policy, store, vertx, clock, registry));
    }
    this.limiters = Map.copyOf(byName);
  }

  /**
   * Admits the request under every named policy; {@code keys} gives the request's key of each kind
   * (such as its client address).
   */
  public Future<List<RateLimitStatus>> admit(
      List<String> policies, Function<RateLimitKey, String> keys) {
    Future<List<RateLimitStatus>> chain = Future.succeededFuture(List.of());
    for (String name : policies) {
      PolicyLimiter limiter = limiters.get(name);
      if (limiter == null) {
        return Future.failedFuture(
            EdgeFailure.of(FailureKind.INTERNAL, "Unknown rate limit " + name));
      }
      chain =
          chain.compose(
              done ->
                  limiter
                      .admit(keys.apply(limiter.policy().key()))
                      .compose(status -> next(done, status)));
    }
    return chain;
  }

  private static Future<List<RateLimitStatus>> next(
      List<RateLimitStatus> done, RateLimitStatus status) {
    List<RateLimitStatus> statuses = new ArrayList<>(done);
    statuses.add(status);
    return switch (status.decision()) {
      case ADMITTED, ADMITTED_STORE_FAILURE -> Future.succeededFuture(List.copyOf(statuses));
      case REJECTED -> Future.failedFuture(RateLimitHeaders.rejected(status, statuses));
      case REJECTED_STORE_FAILURE ->
          Future.failedFuture(
              EdgeFailure.of(
                      FailureKind.UNAVAILABLE,
                      "Rate limit " + status.policy().name() + " cannot be checked right now")
                  .withHeader(RateLimitHeaders.RETRY_AFTER, "1"));
    };
  }
}
