package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.StoreFailurePolicy;
import dev.edgestack.gateway.support.Deadlines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy's limiter: asks the store within {@code storeTimeout}; when the store fails it admits
 * or rejects as configured, counts {@code edge_ratelimit_store_failures_total} and logs a warning
 * once when the store starts failing and once when it recovers.
 */
final class PolicyLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyLimiter.class);

  private final RateLimitConfig policy;
  private final Gcra gcra;
  private final RateLimitStore store;
  private final Vertx vertx;
  private final Clock clock;
  private final Map<RateLimitDecision, Counter> decisions = new EnumMap<>(RateLimitDecision.class);
  private final Counter storeFailures;
  private final AtomicBoolean storeFailing = new AtomicBoolean();

  PolicyLimiter(
      RateLimitConfig policy,
      RateLimitStore store,
      Vertx vertx,
      Clock clock,
      MeterRegistry registry) {
    this.policy = policy;
    this.gcra = Gcra.of(policy.limit(), policy.period(), policy.burst());
    this.store = store;
    this.vertx = vertx;
    this.clock = clock;
    for (RateLimitDecision decision : RateLimitDecision.values()) {
      decisions.put(
          decision,
          Counter.builder("edge_ratelimit_decisions")
              .description("Rate-limit decisions by policy")
              .tag("policy", policy.name())
              .tag("decision", decision.tag())
              .register(registry));
    }
    this.storeFailures =
        Counter.builder("edge_ratelimit_store_failures")
            .description("Rate-limit store calls that failed or timed out")
            .tag("policy", policy.name())
            .register(registry);
  }

  RateLimitConfig policy() {
    return policy;
  }

  Future<RateLimitStatus> admit(String key) {
    Future<GcraResult> answer;
    try {
      answer = store.acquire(policy.name(), key, gcra, nowMicros());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    return Deadlines.within(
            vertx,
            answer,
            policy.storeTimeout(),
            () -> new TimeoutException("no answer within " + policy.storeTimeout()))
        .transform(
            result -> {
              RateLimitStatus status =
                  result.succeeded() ? stored(result.result()) : storeFailed(result.cause());
              decisions.get(status.decision()).increment();
              return Future.succeededFuture(status);
            });
  }

  private RateLimitStatus stored(GcraResult result) {
    if (storeFailing.compareAndSet(true, false)) {
      LOG.info("rate limit {}: store answers again", policy.name());
    }
    return RateLimitStatus.of(policy, result);
  }

  private RateLimitStatus storeFailed(Throwable cause) {
    storeFailures.increment();
    boolean open = policy.onStoreFailure() == StoreFailurePolicy.FAIL_OPEN;
    if (storeFailing.compareAndSet(false, true)) {
      LOG.warn(
          "rate limit {}: store unavailable ({}); {} until it answers again",
          policy.name(),
          cause.getMessage(),
          open ? "admitting requests unlimited (fail-open)" : "rejecting with 503 (fail-closed)");
    }
    return RateLimitStatus.storeFailure(
        policy,
        open ? RateLimitDecision.ADMITTED_STORE_FAILURE : RateLimitDecision.REJECTED_STORE_FAILURE);
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return Math.addExact(
        Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000L);
  }
}
