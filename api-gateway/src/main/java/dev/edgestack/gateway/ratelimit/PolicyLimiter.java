package dev.edgestack.gateway.ratelimit;

import dev.edgestack.gateway.config.Consistency;
import dev.edgestack.gateway.config.LimitAlgorithmKind;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitMode;
import dev.edgestack.gateway.support.Deadlines;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy's limiter. In reading order: a key known to be over its limit is rejected locally; a
 * {@code leased} policy spends a live local lease; otherwise the store decides within {@code
 * storeTimeout}. A failing store opens the {@link StoreBreaker}, and {@code onStoreFailure} applies
 * without waiting until a probe succeeds; each switch is logged once and counted.
 */
final class PolicyLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyLimiter.class);
  private static final int MAX_CACHED_KEYS = 100_000;
  private static final int MAX_BATCH = 256;
  // Store calls in flight per key of an exact policy (see CoalescedCalls); measured in
  // docs/rate-limiting.md.

  private final RateLimitConfig policy;
  private final LimitAlgorithm algorithm;
  private final RateLimitStore store;
  private final Vertx vertx;
  private final Clock clock;
  private final StoreBreaker breaker;
  private final RateLimitMetrics metrics;
  private final RateLimitHeaders.PolicyText text;
  private final LocalShare localShare;
  private final long nearLimit;
  private final int callsInFlight;
  private final Map<String, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, CoalescedCalls> calls = new ConcurrentHashMap<>();
  // Key -> {trusted until, refused cost, allowAt, resetAt} (micros): nothing of that cost passes.
  private final Map<String, long[]> overLimit = new ConcurrentHashMap<>();

  PolicyLimiter(
      RateLimitConfig policy,
      RateLimitStore store,
      Vertx vertx,
      Clock clock,
      MeterRegistry registry) {
    this.policy = policy;
    this.callsInFlight = policy.callsInFlight();
    this.algorithm = algorithm(policy);
    this.store = store;
    this.vertx = vertx;
    this.clock = clock;
    this.breaker = new StoreBreaker(policy.storeBreaker());
    this.metrics = new RateLimitMetrics(policy.name(), registry, breaker::degraded);
    this.text = RateLimitHeaders.PolicyText.of(policy);
    this.localShare = new LocalShare(policy);
    this.nearLimit = Math.max(1, algorithm.capacity() / 10);
  }

  static LimitAlgorithm algorithm(RateLimitConfig policy) {
    return policy.algorithm() == LimitAlgorithmKind.SLIDING_WINDOW
        ? LimitAlgorithm.slidingWindow(policy.limit(), policy.period())
        : LimitAlgorithm.gcra(policy.limit(), policy.period(), policy.burst());
  }

  RateLimitConfig policy() {
    return policy;
  }

  /** Decides for one request; never fails (a store failure is a decision too). */
  Future<PolicyDecision> decide(String key) {
    long now = nowMicros();
    long cost = policy.cost();
    long[] refused = overLimit.get(key);
    if (refused != null && now < refused[0] && cost >= refused[1]) {
      metrics.overLimitCacheHits.increment();
      return Future.succeededFuture(
          decided(RateLimitDecision.REJECTED, 0, refused[3] - now, refused[2] - now, () -> {}));
    }
    if (policy.consistency() != Consistency.LEASED) {
      return exact(key);
    }
    Lease known = leases.get(key);
    Lease lease = known != null ? known : leases.computeIfAbsent(key, k -> new Lease());
    Lease.Spent spent = lease.spend(cost, now);
    if (spent != null) {
      if (spent.refill() != null) {
        metrics.earlyRefills.increment();
        refill(key, now, lease, spent.refill());
      }
      return Future.succeededFuture(fromLease(lease, spent.remaining(), spent.resetMicros()));
    }
    Promise<Void> fetch = lease.beginFetch();
    if (fetch == null) {
      Future<Void> inFlight = lease.fetching();
      if (inFlight != null) {
        // Another request is refilling this lease: try it once more when that answer is in.
        return inFlight.transform(
            ignored -> {
              long later = nowMicros();
              if (!lease.take(cost, later)) {
                return ask(key, later, lease);
              }
              Lease.Spent taken = lease.spent(later, null);
              return Future.succeededFuture(
                  fromLease(lease, taken.remaining(), taken.resetMicros()));
            });
      }
      return ask(key, now, lease);
    }
    return ask(key, now, lease).onComplete(done -> lease.endFetch(fetch));
  }

  /**
   * Refills a lease that is running low while requests keep spending what is left. The tokens it
   * still holds count against its share; a refusal is not cached as "over limit", because the rest
   * of the lease may still be spent, and the request that finds it empty asks the store itself.
   */
  private void refill(String key, long now, Lease lease, Promise<Void> refill) {
    long held = lease.held(now);
    long want = policy.lease().maxBatch() - held;
    // Never more than maxBatch held; the breaker is asked last: asking takes the half-open probe.
    if (want < policy.cost() || !breaker.allows(now)) {
      lease.abandonRefill(refill);
      return;
    }
    TokenRequest request =
        new TokenRequest(
            policy.cost(),
            want,
            2 * store.liveMembers(),
            lease.drainExpired(now),
            lease.takenAtMicros(),
            held);
    long started = System.nanoTime();
    Future<LimitStep> answer;
    try {
      answer = store.acquire(policy.name(), key, algorithm, now, request);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    Deadlines.within(
            vertx,
            answer,
            policy.storeTimeout(),
            () -> new TimeoutException("no answer within " + policy.storeTimeout()))
        .onComplete(
            result -> {
              metrics.storeLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              if (result.failed()) {
                storeFailed(result.cause());
              } else {
                storeAnswered();
                LimitStep step = result.result();
                if (step.admitted()) {
                  metrics.leasedTokens.increment(step.granted());
                  lease.add(step.granted(), now, ttlMicros(), step);
                }
              }
              lease.endFetch(refill);
            });
  }

  private long ttlMicros() {
    return policy.lease().ttl().toNanos() / 1_000;
  }

  private PolicyDecision fromLease(Lease lease, long remaining, long resetMicros) {
    long cost = policy.cost();
    return decided(
        RateLimitDecision.ADMITTED,
        remaining,
        resetMicros,
        0,
        () -> lease.giveBack(cost, nowMicros()));
  }

  private Future<PolicyDecision> exact(String key) {
    // The breaker is asked once per call in send: asking takes the half-open probe.
    CoalescedCalls keyCalls =
        calls.computeIfAbsent(key, k -> new CoalescedCalls(MAX_BATCH, callsInFlight));
    CoalescedCalls.Waiter waiter = new CoalescedCalls.Waiter();
    keyCalls.enter(waiter, batch -> send(key, keyCalls, batch));
    return waiter.future();
  }

  /**
   * Asks the store for a batch of waiting requests; the call gets what is left of the oldest one's
   * store timeout, so waiting in line never makes a request wait longer than that.
   */
  private void send(String key, CoalescedCalls keyCalls, List<CoalescedCalls.Waiter> batch) {
    long now = nowMicros();
    long leftNanos =
        policy.storeTimeout().toNanos() - (System.nanoTime() - batch.get(0).sinceNanos);
    if (leftNanos <= 0 || !breaker.allows(now)) {
      List<PolicyDecision> decisions = new ArrayList<>(batch.size());
      batch.forEach(waiter -> decisions.add(degraded(key, now)));
      answer(key, keyCalls, batch, decisions);
      return;
    }
    if (batch.size() > 1) {
      metrics.coalesced.increment(batch.size() - 1);
    }
    long started = System.nanoTime();
    Future<Admissions> answer;
    try {
      answer = store.acquireEach(policy.name(), key, algorithm, now, policy.cost(), batch.size());
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    Deadlines.within(
            vertx,
            answer,
            Duration.ofNanos(leftNanos),
            () -> new TimeoutException("no answer within " + policy.storeTimeout()))
        .onComplete(
            result -> {
              metrics.storeLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              List<PolicyDecision> decisions = new ArrayList<>(batch.size());
              if (result.failed()) {
                storeFailed(result.cause());
                batch.forEach(waiter -> decisions.add(degraded(key, now)));
              } else {
                storeAnswered();
                Admissions admissions = result.result();
                for (int i = 0; i < batch.size(); i++) {
                  LimitStep step =
                      i < admissions.admitted() ? admissions.lastAdmitted() : admissions.rejected();
                  decisions.add(stored(key, now, null, step));
                }
              }
              answer(key, keyCalls, batch, decisions);
            });
  }

  /**
   * Ends the call before answering, so that a request its answer lets in (the client's next one)
   * finds the key free instead of queueing behind a call that is over.
   */
  private void answer(
      String key,
      CoalescedCalls keyCalls,
      List<CoalescedCalls.Waiter> batch,
      List<PolicyDecision> decisions) {
    List<CoalescedCalls.Waiter> next = keyCalls.next();
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).complete(decisions.get(i));
    }
    if (!next.isEmpty()) {
      send(key, keyCalls, next);
    }
  }

  private Future<PolicyDecision> ask(String key, long now, Lease lease) {
    if (!breaker.allows(now)) {
      return Future.succeededFuture(degraded(key, now));
    }
    return fromStore(key, now, lease);
  }

  private Future<PolicyDecision> fromStore(String key, long now, Lease lease) {
    long cost = policy.cost();
    TokenRequest request = TokenRequest.exact(cost);
    if (lease != null) {
      long returned = lease.drainExpired(now);
      request =
          new TokenRequest(
              cost,
              Math.max(cost, policy.lease().maxBatch()),
              2 * store.liveMembers(),
              returned,
              lease.takenAtMicros(),
              0);
    }
    TokenRequest sent = request;
    long started = System.nanoTime();
    Future<LimitStep> answer;
    try {
      answer = store.acquire(policy.name(), key, algorithm, now, sent);
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
              metrics.storeLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              if (result.failed()) {
                storeFailed(result.cause());
                return Future.succeededFuture(degraded(key, now));
              }
              storeAnswered();
              return Future.succeededFuture(stored(key, now, lease, result.result()));
            });
  }

  private void storeAnswered() {
    if (breaker.succeeded()) {
      LOG.info("rate limit {}: store answers again; enforcing the shared limit", policy.name());
      metrics.recoveredSwitches.increment();
      localShare.clear();
    }
  }

  private PolicyDecision stored(String key, long now, Lease lease, LimitStep step) {
    if (!step.admitted()) {
      if (overLimit.size() > MAX_CACHED_KEYS) {
        overLimit.clear();
      }
      // Leases elsewhere may give tokens back early: trust a rejection for one lease ttl at most.
      long trusted =
          lease == null
              ? step.retryAfterMicros()
              : Math.min(step.retryAfterMicros(), policy.lease().ttl().toNanos() / 1_000);
      overLimit.put(
          key,
          new long[] {
            now + trusted, policy.cost(), now + step.retryAfterMicros(), now + step.resetMicros()
          });
      return decided(step, () -> {});
    }
    long spare = step.granted() - policy.cost();
    if (lease != null) {
      metrics.leasedTokens.increment(step.granted());
      lease.add(spare, now, ttlMicros(), step);
    }
    long cost = policy.cost();
    return decided(
        step,
        () ->
            store
                .refund(policy.name(), key, algorithm, nowMicros(), cost, now)
                .onFailure(e -> LOG.debug("rate limit {}: refund failed", policy.name(), e)));
  }

  private PolicyDecision decided(LimitStep step, Runnable refund) {
    return decided(
        step.decision(), step.remaining(), step.resetMicros(), step.retryAfterMicros(), refund);
  }

  private PolicyDecision decided(
      RateLimitDecision stepDecision,
      long remaining,
      long resetMicros,
      long retryAfterMicros,
      Runnable refund) {
    RateLimitDecision decision = stepDecision;
    if (decision == RateLimitDecision.REJECTED && policy.mode() == RateLimitMode.SHADOW) {
      decision = RateLimitDecision.SHADOW_REJECTED;
    }
    if (decision == RateLimitDecision.ADMITTED && remaining < nearLimit) {
      metrics.nearLimit.increment();
    }
    metrics.decided(decision);
    RateLimitStatus status =
        RateLimitStatus.of(text, decision, remaining, resetMicros, retryAfterMicros);
    if (decision != RateLimitDecision.ADMITTED) {
      return PolicyDecision.nothingTaken(status);
    }
    return new PolicyDecision(
        status,
        () -> {
          metrics.refunds.increment();
          refund.run();
        });
  }

  private void storeFailed(Throwable cause) {
    metrics.storeFailures.increment();
    if (breaker.failed(nowMicros())) {
      metrics.degradedSwitches.increment();
      LOG.warn(
          "rate limit {}: store unavailable ({}); {} until it answers again",
          policy.name(),
          cause.getMessage(),
          switch (policy.onStoreFailure()) {
            case FAIL_OPEN -> "admitting every request (fail-open)";
            case FAIL_CLOSED -> "answering 503 (fail-closed)";
            case LOCAL_SHARE -> "enforcing limit / live gateways locally (local-share)";
          });
    }
  }

  private PolicyDecision degraded(String key, long now) {
    RateLimitDecision decision;
    switch (policy.onStoreFailure()) {
      case FAIL_OPEN -> decision = RateLimitDecision.ADMITTED_STORE_FAILURE;
      case FAIL_CLOSED ->
          decision =
              policy.mode() == RateLimitMode.SHADOW
                  ? RateLimitDecision.ADMITTED_STORE_FAILURE
                  : RateLimitDecision.REJECTED_STORE_FAILURE;
      default -> {
        return localShare(key, now);
      }
    }
    metrics.decided(decision);
    return PolicyDecision.nothingTaken(RateLimitStatus.unknown(text, decision));
  }

  private PolicyDecision localShare(String key, long now) {
    LimitStep step = localShare.acquire(key, now, store.liveMembers());
    RateLimitDecision decision =
        step.admitted()
            ? RateLimitDecision.ADMITTED_LOCAL_SHARE
            : policy.mode() == RateLimitMode.SHADOW
                ? RateLimitDecision.SHADOW_REJECTED
                : RateLimitDecision.REJECTED_LOCAL_SHARE;
    metrics.decided(decision);
    long cost = policy.cost();
    Runnable refund =
        decision == RateLimitDecision.ADMITTED_LOCAL_SHARE
            ? () -> localShare.refund(key, nowMicros(), cost, now)
            : () -> {};
    return new PolicyDecision(RateLimitStatus.of(text, decision, step), refund);
  }

  /**
   * Returns the unused tokens of expired leases and forgets expired over-limit entries; run
   * periodically.
   */
  Future<Void> sweep() {
    long now = nowMicros();
    overLimit.values().removeIf(refused -> refused[0] <= now);
    calls.values().removeIf(CoalescedCalls::idle);
    List<Future<Void>> returns = new ArrayList<>();
    leases.forEach(
        (key, lease) -> {
          long unused = lease.drainExpired(now);
          if (unused > 0) {
            returns.add(
                store
                    .refund(policy.name(), key, algorithm, now, unused, lease.takenAtMicros())
                    .onFailure(
                        e -> LOG.debug("rate limit {}: lease return failed", policy.name(), e)));
          }
          if (lease.expired(now) && lease.fetching() == null) {
            leases.remove(key, lease);
          }
        });
    return Future.join(returns).mapEmpty();
  }

  private long nowMicros() {
    Instant now = clock.instant();
    return Math.addExact(
        Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000L);
  }
}
