package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.LeaseConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitMode;
import dev.edgestack.gateway.config.StoreBreakerConfig;
import dev.edgestack.gateway.config.StoreFailurePolicy;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static Vertx vertx;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = ManualClock.at2025();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void admitsWithTheRateLimitFieldsThenRejectsWith429() throws Exception {
    RateLimiter limiter = limiter(new InMemoryStore(), policy("p", 2));

    List<RateLimitStatus> first = admit(limiter, "p");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(first, headers);
    assertThat(headers.get("RateLimit-Policy")).isEqualTo("\"p\";q=2;w=60");
    assertThat(headers.get("RateLimit")).isEqualTo("\"p\";r=1;t=30");
    assertThat(headers.contains("X-RateLimit-Limit")).isFalse();
    admit(limiter, "p");

    EdgeFailure rejected = failure(limiter, "p");

    assertThat(rejected.kind()).isEqualTo(FailureKind.RATE_LIMITED);
    assertThat(rejected.headers())
        .containsEntry("Retry-After", "30")
        .containsEntry("RateLimit-Policy", "\"p\";q=2;w=60")
        .containsEntry("RateLimit", "\"p\";r=0;t=60");
    assertThat(decisions("p", "rejected")).isEqualTo(1);
    assertThat(decisions("p", "admitted")).isEqualTo(2);
  }

  @Test
  void eachFieldIsHandedOnAsTheHeadersWouldHoldIt() throws Exception {
    RateLimiter limiter =
        limiter(
            new InMemoryStore(), policy("minute", 5).withLegacyHeaders(true), policy("hour", 50));
    List<RateLimitStatus> statuses = admit(limiter, "minute", "hour");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(statuses, headers);

    List<String> handed = new ArrayList<>();
    RateLimitHeaders.forEachField(statuses, (name, value) -> handed.add(name + ": " + value));

    List<String> set = new ArrayList<>();
    headers.forEach(header -> set.add(header.getKey() + ": " + header.getValue()));
    assertThat(handed).containsExactlyElementsOf(set).hasSize(5);
  }

  @Test
  void legacyHeadersOnlyWhenConfigured() throws Exception {
    RateLimiter limiter = limiter(new InMemoryStore(), policy("p", 5).withLegacyHeaders(true));

    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(admit(limiter, "p"), headers);

    assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("5");
    assertThat(headers.get("X-RateLimit-Remaining")).isEqualTo("4");
    assertThat(headers.get("X-RateLimit-Reset")).isEqualTo("12");
  }

  @Test
  void aRequestRejectedByOnePolicyConsumesNothingFromTheOthers() throws Exception {
    InMemoryStore store = new InMemoryStore();
    RateLimiter limiter =
        limiter(
            store,
            policy("wide", 10),
            policy("narrow", 1),
            policy("leased", 10).withLease(new LeaseConfig(5, Duration.ofSeconds(1))));
    assertThat(admit(limiter, "wide", "narrow", "leased")).hasSize(3);

    for (int i = 0; i < 5; i++) {
      assertThat(failure(limiter, "wide", "narrow", "leased").kind())
          .isEqualTo(FailureKind.RATE_LIMITED);
    }

    // Only the first request was counted by "wide" and "leased": 9 left in each.
    for (int i = 0; i < 9; i++) {
      assertThat(admit(limiter, "wide", "leased")).hasSize(2);
    }
    assertThat(failure(limiter, "wide").headers()).containsEntry("RateLimit", "\"wide\";r=0;t=60");
    assertThat(registry.get("edge_ratelimit_refunds").tag("policy", "wide").counter().count())
        .isEqualTo(5);
  }

  @Test
  void severalPoliciesShareOneFieldEachAndTheLegacyHeadersComeFromTheFewestLeft() throws Exception {
    RateLimiter limiter =
        limiter(
            new InMemoryStore(),
            policy("minute", 5).withLegacyHeaders(true),
            policy("shadow", 1).withMode(RateLimitMode.SHADOW),
            policy("hour", 3, Duration.ofHours(1)).withLegacyHeaders(true));

    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(admit(limiter, "minute", "shadow", "hour"), headers);

    assertThat(headers.get("RateLimit-Policy"))
        .isEqualTo("\"minute\";q=5;w=60, \"hour\";q=3;w=3600");
    assertThat(headers.get("RateLimit")).isEqualTo("\"minute\";r=4;t=12, \"hour\";r=2;t=1200");
    assertThat(headers.get("X-RateLimit-Limit")).isEqualTo("3");
    assertThat(headers.get("X-RateLimit-Remaining")).isEqualTo("2");
    assertThat(headers.get("X-RateLimit-Reset")).isEqualTo("1200");
  }

  @Test
  void theLongestRetryAfterOfTheRejectingPoliciesWins() {
    RateLimiter limiter =
        limiter(new InMemoryStore(), policy("minute", 1), policy("hour", 1, Duration.ofHours(1)));
    failureOrNot(limiter);

    EdgeFailure rejected = failure(limiter, "minute", "hour");

    assertThat(rejected.headers()).containsEntry("Retry-After", "3600");
  }

  @Test
  void shadowModeAdmitsEverythingAndCountsWhatItWouldHaveRejected() throws Exception {
    RateLimiter limiter =
        limiter(new InMemoryStore(), policy("shadow", 2).withMode(RateLimitMode.SHADOW));

    for (int i = 0; i < 5; i++) {
      List<RateLimitStatus> statuses = admit(limiter, "shadow");
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      RateLimitHeaders.apply(statuses, headers);
      assertThat(headers.isEmpty()).as("shadow policies are not shown to clients").isTrue();
    }

    assertThat(decisions("shadow", "admitted")).isEqualTo(2);
    assertThat(decisions("shadow", "shadow-rejected")).isEqualTo(3);
  }

  @Test
  void aKeyOverItsLimitIsRejectedLocallyUntilItsRetryAfter() {
    InMemoryStore store = new InMemoryStore();
    RateLimiter limiter = limiter(store, policy("p", 1));
    assertThat(tryAdmit(limiter, "p")).isTrue();
    failure(limiter, "p");
    int calls = store.acquires.get();

    EdgeFailure cached = failure(limiter, "p");

    assertThat(store.acquires.get()).isEqualTo(calls);
    assertThat(cached.headers()).containsEntry("Retry-After", "60");
    assertThat(registry.get("edge_ratelimit_over_limit_cache_hits").counter().count()).isEqualTo(1);
    clock.advanceMillis(60_000);
    assertThat(tryAdmit(limiter, "p")).isTrue();
    assertThat(store.acquires.get()).isEqualTo(calls + 1);
  }

  @Test
  void aLeasedPolicyAsksTheStoreOncePerBatchAndReturnsWhatItDidNotUse() throws Exception {
    InMemoryStore store = new InMemoryStore();
    RateLimiter limiter =
        limiter(store, policy("p", 100).withLease(new LeaseConfig(10, Duration.ofMillis(100))));

    for (int i = 0; i < 30; i++) {
      admit(limiter, "p");
    }
    // A grant of 10, then a refill topping the lease up to 10 when half of the grant is left (6).
    // This store answers at once, so no request asked for tokens while that refill was out: the
    // next ones wait until one request's worth is left and take 9 each (9, 9). 34 tokens in four
    // calls, and the last refill is already in.
    assertThat(store.acquires.get()).isEqualTo(4);
    admit(limiter, "p");
    assertThat(store.acquires.get()).isEqualTo(4);

    clock.advanceMillis(100);
    limiter.sweep();

    assertThat(store.refunds.get()).isEqualTo(1);
    // 31 used: 69 left (the refill of 100 ms is 0.17 of a token).
    long admitted = 0;
    while (admitted < 1000 && tryAdmit(limiter, "p")) {
      admitted++;
    }
    assertThat(admitted).isEqualTo(69);
  }

  @Test
  void failsOpenAtOnceOnceTheBreakerIsOpenAndLogsTheSwitchOnce() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RateLimitStore down = failing(calls);
    RateLimiter limiter =
        limiter(
            down,
            policy("p", 1)
                .withStore(Duration.ofMillis(50), breaker(), StoreFailurePolicy.FAIL_OPEN));

    for (int i = 0; i < 10; i++) {
      assertThat(admit(limiter, "p"))
          .extracting(RateLimitStatus::decision)
          .containsExactly(RateLimitDecision.ADMITTED_STORE_FAILURE);
    }

    assertThat(calls.get()).as("the breaker opened after 2 failures").isEqualTo(2);
    assertThat(switches("p", "degraded")).isEqualTo(1);
    assertThat(registry.get("edge_ratelimit_store_degraded").gauge().value()).isEqualTo(1);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(admit(limiter, "p"), headers);
    assertThat(headers.contains("RateLimit")).isFalse();
  }

  @Test
  void failsClosedWith503NeverSlowerThanTheStoreTimeoutThenAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    RateLimitStore silent = silent(calls);
    RateLimiter limiter =
        limiter(
            silent,
            policy("p", 1)
                .withStore(Duration.ofMillis(100), breaker(), StoreFailurePolicy.FAIL_CLOSED));

    for (int i = 0; i < 2; i++) {
      long started = System.nanoTime();
      EdgeFailure failure = failure(limiter, "p");
      assertThat(failure.kind()).isEqualTo(FailureKind.UNAVAILABLE);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(Duration.ofMillis(1_000));
    }
    Future<List<RateLimitStatus>> open = limiter.admit(List.of("p"), key -> "10.0.0.1");

    assertThat(open.isComplete()).as("decided without waiting for the store").isTrue();
    assertThat(open.cause()).isInstanceOf(EdgeFailure.class);
    assertThat(((EdgeFailure) open.cause()).kind()).isEqualTo(FailureKind.UNAVAILABLE);
    assertThat(calls.get()).isEqualTo(2);
    assertThat(decisions("p", "rejected-store-failure")).isEqualTo(3);
  }

  @Test
  void localShareEnforcesTheLimitDividedByLiveGatewaysAndRecovers() throws Exception {
    InMemoryStore healthy = new InMemoryStore();
    AtomicInteger calls = new AtomicInteger();
    Switchable store = new Switchable(healthy, failing(calls));
    healthy.members = 3;
    RateLimiter limiter =
        limiter(
            store,
            policy("p", 30)
                .withStore(Duration.ofMillis(50), breaker(), StoreFailurePolicy.LOCAL_SHARE));
    admit(limiter, "p");
    store.down = true;

    int admitted = 0;
    while (admitted < 100 && tryAdmit(limiter, "p")) {
      admitted++;
    }

    assertThat(admitted).as("30 / 3 gateways").isEqualTo(10);
    assertThat(decisions("p", "admitted-local-share")).isEqualTo(10);
    assertThat(decisions("p", "rejected-local-share")).isEqualTo(1);

    store.down = false;
    clock.advanceMillis(2_000);
    List<RateLimitStatus> back = admit(limiter, "p");
    assertThat(back.get(0).decision()).isEqualTo(RateLimitDecision.ADMITTED);
    assertThat(back.get(0).remaining()).isEqualTo(29);
    assertThat(switches("p", "available")).isEqualTo(1);
  }

  private static StoreBreakerConfig breaker() {
    return new StoreBreakerConfig(2, Duration.ofSeconds(1));
  }

  private RateLimiter limiter(RateLimitStore store, RateLimitConfig... policies) {
    return new RateLimiter(List.of(policies), store, vertx, clock, registry);
  }

  static RateLimitConfig policy(String name, int limit) {
    return policy(name, limit, Duration.ofMinutes(1));
  }

  static RateLimitConfig policy(String name, int limit, Duration period) {
    return RateLimitConfig.of(name, limit, period);
  }

  private static RateLimitStore failing(AtomicInteger calls) {
    return new Stub(calls, () -> Future.failedFuture(new IllegalStateException("down")));
  }

  private static RateLimitStore silent(AtomicInteger calls) {
    return new Stub(calls, () -> Promise.<LimitStep>promise().future());
  }

  private void failureOrNot(RateLimiter limiter) {
    tryAdmit(limiter, "minute", "hour");
  }

  private static boolean tryAdmit(RateLimiter limiter, String... policies) {
    try {
      admit(limiter, policies);
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static List<RateLimitStatus> admit(RateLimiter limiter, String... policies) throws Exception {
    return limiter
        .admit(List.of(policies), key -> "10.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  static EdgeFailure failure(RateLimiter limiter, String... policies) {
    try {
      admit(limiter, policies);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (EdgeFailure) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private double decisions(String policy, String decision) {
    return registry
        .get("edge_ratelimit_decisions")
        .tag("policy", policy)
        .tag("decision", decision)
        .counter()
        .count();
  }

  private double switches(String policy, String to) {
    return registry
        .get("edge_ratelimit_store_switches")
        .tag("policy", policy)
        .tag("to", to)
        .counter()
        .count();
  }

  /** A store that answers as told and counts its calls. */
  private record Stub(AtomicInteger calls, java.util.function.Supplier<Future<LimitStep>> answer)
      implements RateLimitStore {
    @Override
    public Future<LimitStep> acquire(
        String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest r) {
      calls.incrementAndGet();
      return answer.get();
    }

    @Override
    public Future<Void> refund(
        String policy, String key, LimitAlgorithm algorithm, long now, long tokens, long at) {
      return Future.succeededFuture();
    }
  }

  /** A healthy store that can be made to fail. */
  private static final class Switchable implements RateLimitStore {
    private final InMemoryStore healthy;
    private final RateLimitStore failing;
    volatile boolean down;

    Switchable(InMemoryStore healthy, RateLimitStore failing) {
      this.healthy = healthy;
      this.failing = failing;
    }

    private RateLimitStore current() {
      return down ? failing : healthy;
    }

    @Override
    public Future<LimitStep> acquire(
        String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest r) {
      return current().acquire(policy, key, algorithm, nowMicros, r);
    }

    @Override
    public Future<Void> refund(
        String policy, String key, LimitAlgorithm algorithm, long now, long tokens, long at) {
      return current().refund(policy, key, algorithm, now, tokens, at);
    }

    @Override
    public int liveMembers() {
      return healthy.liveMembers();
    }
  }
}
