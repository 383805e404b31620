package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitKey;
import dev.edgestack.gateway.config.StoreFailurePolicy;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static Vertx vertx;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

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
    RateLimiter limiter = limiter(policy(2, StoreFailurePolicy.FAIL_OPEN), new InMemoryStore());

    List<RateLimitStatus> first = admit(limiter);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(first, headers);
    assertThat(headers.get("RateLimit-Policy")).isEqualTo("\"p\";q=2;w=60");
    assertThat(headers.get("RateLimit")).isEqualTo("\"p\";r=1;t=30");
    admit(limiter);

    EdgeFailure rejected = failure(limiter);

    assertThat(rejected.kind()).isEqualTo(FailureKind.RATE_LIMITED);
    assertThat(rejected.headers())
        .containsEntry("Retry-After", "30")
        .containsEntry("RateLimit-Policy", "\"p\";q=2;w=60")
        .containsEntry("RateLimit", "\"p\";r=0;t=60");
    assertThat(counter("edge_ratelimit_decisions", "rejected")).isEqualTo(1);
    assertThat(counter("edge_ratelimit_decisions", "admitted")).isEqualTo(2);
  }

  @Test
  void failsOpenWhenTheStoreFailsAndCountsIt() throws Exception {
    RateLimiter limiter =
        limiter(
            policy(1, StoreFailurePolicy.FAIL_OPEN),
            (p, key, gcra, now) -> Future.failedFuture(new IllegalStateException("down")));

    List<RateLimitStatus> statuses = admit(limiter);
    admit(limiter);

    assertThat(statuses)
        .extracting(RateLimitStatus::decision)
        .containsExactly(RateLimitDecision.ADMITTED_STORE_FAILURE);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    RateLimitHeaders.apply(statuses, headers);
    assertThat(headers.contains("RateLimit")).isFalse();
    assertThat(registry.get("edge_ratelimit_store_failures").counter().count()).isEqualTo(2);
  }

  @Test
  void failsClosedWith503WhenTheStoreDoesNotAnswerInTime() {
    RateLimiter limiter =
        limiter(
            policy(1, StoreFailurePolicy.FAIL_CLOSED),
            (p, key, gcra, now) -> Promise.<GcraResult>promise().future());

    EdgeFailure failure = failure(limiter);

    assertThat(failure.kind()).isEqualTo(FailureKind.UNAVAILABLE);
    assertThat(counter("edge_ratelimit_decisions", "rejected-store-failure")).isEqualTo(1);
  }

  private RateLimiter limiter(RateLimitConfig policy, RateLimitStore store) {
    return new RateLimiter(List.of(policy), store, vertx, clock, registry);
  }

  private static RateLimitConfig policy(int limit, StoreFailurePolicy onFailure) {
    return new RateLimitConfig(
        "p",
        RateLimitKey.CLIENT_ADDRESS,
        limit,
        Duration.ofMinutes(1),
        limit,
        Duration.ofMillis(100),
        onFailure);
  }

  private static List<RateLimitStatus> admit(RateLimiter limiter) throws Exception {
    return limiter
        .admit(List.of("p"), key -> "10.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private static EdgeFailure failure(RateLimiter limiter) {
    try {
      admit(limiter);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (EdgeFailure) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private double counter(String name, String decision) {
    return registry.get(name).tag("decision", decision).counter().count();
  }

  /** The store's contract without a cluster: one TAT per policy and key. */
  private static final class InMemoryStore implements RateLimitStore {
    private final Map<String, Long> tats = new HashMap<>();

    @Override
    public synchronized Future<GcraResult> acquire(
        String policy, String key, Gcra gcra, long nowMicros) {
      GcraResult result = gcra.evaluate(tats.get(policy + "/" + key), nowMicros);
      if (result.decision() == RateLimitDecision.ADMITTED) {
        tats.put(policy + "/" + key, result.tatMicros());
      }
      return Future.succeededFuture(result);
    }
  }
}
