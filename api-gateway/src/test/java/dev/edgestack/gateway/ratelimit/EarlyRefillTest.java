package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.LeaseConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A leased policy refills a lease that runs low before it is empty, so that requests keep spending
 * what is left while the refill is out; the refill counts what the lease still holds against the
 * gateway's share, so the leased bound holds as before.
 */
class EarlyRefillTest {
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
  void requestsDuringARefillSpendWhatIsLeftWithoutWaitingForTheStore() {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter = limiter(store, 10);

    Future<List<RateLimitStatus>> first = admit(limiter);
    store.release();
    assertThat(first.succeeded()).as("the first request fetched a lease of 10").isTrue();
    assertThat(store.wanted).containsExactly(10L);

    // 9 spare tokens; the request that leaves 4 (half the grant) starts a refill.
    List<Future<List<RateLimitStatus>>> spending = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      spending.add(admit(limiter));
    }
    assertThat(store.wanted)
        .as("one refill, asking for what tops the lease up to maxBatch: 10 - 4 held")
        .containsExactly(10L, 6L);
    assertThat(store.held).containsExactly(0L, 4L);
    assertThat(spending)
        .as("all nine answered from the lease while the refill is still out")
        .allMatch(Future::succeeded);

    store.release();
    List<Future<List<RateLimitStatus>>> afterRefill = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      afterRefill.add(admit(limiter));
    }
    assertThat(afterRefill)
        .as("answered from the refilled lease, no request waited for a store call")
        .allMatch(Future::succeeded);
    assertThat(store.wanted).hasSize(2);
    assertThat(registry.get("edge_ratelimit_early_refills").counter().count())
        .as("the first fetch of an empty lease is not early; the refill is")
        .isEqualTo(1);
  }

  @Test
  void aRefillStartsAsLateAsThePaceDuringTheLastOneAllowsButNeverPastHalfTheGrant() {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter = limiter(store, 20);
    admit(limiter);
    store.release();
    // 19 spare. Nothing known about the pace yet: the first refill starts at half (9 left).
    for (int i = 0; i < 10; i++) {
      admit(limiter);
    }
    assertThat(store.wanted).containsExactly(20L, 11L);
    assertThat(store.held).containsExactly(0L, 9L);

    // One request while that refill is out, so the next one starts with two requests' worth
    // left, not at half of its grant of 11 (5): it can top the lease up with 18 instead of 15.
    admit(limiter);
    store.release();
    for (int i = 0; i < 8 + 9; i++) {
      assertThat(admit(limiter).succeeded()).isTrue();
    }
    assertThat(store.wanted).containsExactly(20L, 11L, 18L);
    assertThat(store.held).containsExactly(0L, 9L, 2L);

    // Ten requests while it is out: the two left are spent and eight wait for it, then take 8 of
    // its 18. That pace calls for an earlier start again, but never earlier than half of the
    // grant: the next request, which leaves 9, starts it.
    List<Future<List<RateLimitStatus>>> waiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      waiting.add(admit(limiter));
    }
    assertThat(waiting.stream().filter(Future::isComplete)).hasSize(2);
    store.release();
    assertThat(waiting).allMatch(Future::succeeded);
    assertThat(admit(limiter).succeeded()).isTrue();
    assertThat(store.wanted).containsExactly(20L, 11L, 18L, 11L);
    assertThat(store.held).containsExactly(0L, 9L, 2L, 9L);
    assertThat(registry.get("edge_ratelimit_early_refills").counter().count()).isEqualTo(3);
  }

  @Test
  void aRefillCountsWhatTheLeaseStillHoldsAgainstTheShare() {
    LimitAlgorithm gcra = LimitAlgorithm.gcra(100, Duration.ofMinutes(1), 100);
    long now = clock.micros();

    // 100 spare, share 1/6 (three gateways): a fresh lease gets 1 + 99 / 6.
    assertThat(gcra.acquire(null, now, 1, 100, 6).granted()).isEqualTo(17);
    // Holding 10 already: holdings after the refill are again at most 1 + (100 + 10 - 1) / 6.
    LimitStep refill = gcra.acquire(null, now, 1, 100, 6, 10);
    assertThat(refill.granted()).isEqualTo(1 + 109 / 6 - 10);
    // Holding its share already: nothing taken, and the state does not move.
    LimitStep none = gcra.acquire(null, now, 1, 100, 6, 20);
    assertThat(none.admitted()).isTrue();
    assertThat(none.granted()).isZero();
    assertThat(none.remaining()).isEqualTo(100);
    assertThat(none.state()).isEqualTo(now);
  }

  @Test
  void withRefillsThreeGatewaysNeverAdmitMoreThanBurstPlusRefillPlusOneTtl() throws Exception {
    InMemoryStore store = new InMemoryStore();
    store.members = 3;
    // T = 10 ms, burst 100, ttl 50 ms.
    RateLimitConfig policy =
        RateLimitConfig.of("p", 6_000, Duration.ofMinutes(1))
            .withBurst(100)
            .withLease(new LeaseConfig(20, Duration.ofMillis(50)));
    List<RateLimiter> gateways = new ArrayList<>();
    List<SimpleMeterRegistry> registries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      registries.add(new SimpleMeterRegistry());
      gateways.add(new RateLimiter(List.of(policy), store, vertx, clock, registries.get(i)));
    }
    long start = clock.micros();
    List<Long> admittedAt = new ArrayList<>();
    // 4,000 requests, far more than the rate, over 2 s of manual time spread over the gateways.
    for (int i = 0; i < 4_000; i++) {
      Future<List<RateLimitStatus>> answer = gateways.get(i % 3).admit(List.of("p"), k -> "hot");
      if (await(answer)) {
        admittedAt.add(clock.micros());
      }
      if (i % 10 == 0) {
        for (RateLimiter gateway : gateways) {
          gateway.sweep();
        }
      }
      clock.advanceMicros(500);
    }
    assertThat(registries)
        .as("every gateway leased tokens")
        .allMatch(r -> r.get("edge_ratelimit_leased_tokens").counter().count() > 0);
    long ttl = 50_000;
    long emission = 10_000;
    for (int from = 0; from < admittedAt.size(); from++) {
      for (int to = from; to < admittedAt.size(); to++) {
        long d = admittedAt.get(to) - admittedAt.get(from);
        long bound = 100 + (d + ttl) / emission;
        assertThat((long) (to - from + 1))
            .as("admitted within %d µs after %d µs", d, admittedAt.get(from) - start)
            .isLessThanOrEqualTo(bound);
      }
    }
    // Over the whole run the store granted at most burst + 2 s / T; nearly all of it was spent.
    assertThat((long) admittedAt.size()).isBetween(200L, 100 + 2_000_000 / emission);
  }

  private RateLimiter limiter(RateLimitStore store, int maxBatch) {
    RateLimitConfig policy =
        RateLimitConfig.of("p", 1_000, Duration.ofMinutes(1))
            .withLease(new LeaseConfig(maxBatch, Duration.ofSeconds(1)));
    return new RateLimiter(List.of(policy), store, vertx, clock, registry);
  }

  private static Future<List<RateLimitStatus>> admit(RateLimiter limiter) {
    return limiter.admit(List.of("p"), key -> "10.0.0.1");
  }

  private static boolean await(Future<?> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException rejected) {
      return false;
    }
  }

  /** A store whose lease answers wait until the test releases them, oldest first. */
  private static final class Gated implements RateLimitStore {
    private final InMemoryStore store;
    final List<Long> wanted = new CopyOnWriteArrayList<>();
    final List<Long> held = new CopyOnWriteArrayList<>();
    private final List<Runnable> waiting = new CopyOnWriteArrayList<>();

    Gated(InMemoryStore store) {
      this.store = store;
    }

    void release() {
      waiting.remove(0).run();
    }

    @Override
    public Future<LimitStep> acquire(
        String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest r) {
      wanted.add(r.want());
      held.add(r.held());
      Promise<LimitStep> answer = Promise.promise();
      waiting.add(() -> store.acquire(policy, key, algorithm, nowMicros, r).onComplete(answer));
      return answer.future();
    }

    @Override
    public Future<Void> refund(
        String policy, String key, LimitAlgorithm algorithm, long now, long tokens, long at) {
      return store.refund(policy, key, algorithm, now, tokens, at);
    }
  }
}
