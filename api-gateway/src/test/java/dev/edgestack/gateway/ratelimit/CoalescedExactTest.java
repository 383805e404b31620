package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.StoreBreakerConfig;
import dev.edgestack.gateway.config.StoreFailurePolicy;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact policies share one store call among the requests of a key that arrive while the key's calls
 * are in flight, and each request is still decided exactly as if it had asked alone.
 */
class CoalescedExactTest {
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
  void requestsOfAKeyArrivingDuringACallShareTheNextCallAndStayExact() throws Exception {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter = limiter(store, RateLimitConfig.of("p", 5, Duration.ofMinutes(1)), 1);

    List<Future<List<RateLimitStatus>>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
    }
    assertThat(store.calls).as("one call in flight, nine requests waiting").containsExactly(1);
    store.release();
    assertThat(store.calls).as("the nine go together").containsExactly(1, 9);
    store.release();

    List<Boolean> admitted = new ArrayList<>();
    for (Future<List<RateLimitStatus>> answer : answers) {
      admitted.add(await(answer).succeeded());
    }
    assertThat(admitted)
        .as("first come, first admitted; exactly the limit")
        .containsExactly(true, true, true, true, true, false, false, false, false, false);
    EdgeFailure rejected = (EdgeFailure) await(answers.get(9)).cause();
    assertThat(rejected.kind()).isEqualTo(FailureKind.RATE_LIMITED);
    assertThat(rejected.headers()).containsEntry("Retry-After", "12");
    assertThat(counter("edge_ratelimit_coalesced")).isEqualTo(8);
    assertThat(limiter.admit(List.of("p"), key -> "10.0.0.1").failed())
        .as("the rejection is cached: no store call")
        .isTrue();
    assertThat(store.calls).hasSize(2);
  }

  @Test
  void aBatchGathersWhileTheOtherCallsInFlightAreOutAndGoesWhenOneEnds() throws Exception {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter = limiter(store, RateLimitConfig.of("p", 5, Duration.ofMinutes(1)), 2);

    List<Future<List<RateLimitStatus>>> answers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
    }
    assertThat(store.calls).as("two calls in flight, eight requests waiting").containsExactly(1, 1);
    store.release();
    assertThat(store.calls)
        .as("the eight go as soon as one call is back, while the other is still out")
        .containsExactly(1, 1, 8);
    store.release();
    assertThat(store.calls).as("nobody left waiting: no fourth call").hasSize(3);
    store.release();

    List<Boolean> admitted = new ArrayList<>();
    for (Future<List<RateLimitStatus>> answer : answers) {
      admitted.add(await(answer).succeeded());
    }
    assertThat(admitted)
        .as("in the order the owner decided them; exactly the limit")
        .containsExactly(true, true, true, true, true, false, false, false, false, false);
    assertThat(counter("edge_ratelimit_coalesced")).isEqualTo(7);
  }

  @Test
  void requestsOfAKeyInOneEventLoopPassGoInOneCall() throws Exception {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter =
        limiter(store, patient(RateLimitConfig.of("p", 5, Duration.ofMinutes(1))), 2);

    // As when one pass of an event loop reads seven requests from its ready connections.
    List<Future<List<RateLimitStatus>>> answers = new CopyOnWriteArrayList<>();
    AtomicInteger sentDuringThePass = new AtomicInteger(-1);
    vertx.runOnContext(
        pass -> {
          for (int i = 0; i < 7; i++) {
            answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
          }
          sentDuringThePass.set(store.calls.size());
        });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !store.calls.isEmpty());
    assertThat(sentDuringThePass).as("nothing sent before the pass ends").hasValue(0);
    assertThat(store.calls)
        .as("one call for the pass, not one per free call slot")
        .containsExactly(7);

    // The next pass finds the call out and a slot free: it gathers again.
    vertx.runOnContext(
        pass -> {
          answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
          answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
        });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.calls.size() == 2);
    assertThat(store.calls).containsExactly(7, 2);
    store.release();
    store.release();

    List<Boolean> admitted = new ArrayList<>();
    for (Future<List<RateLimitStatus>> answer : answers) {
      admitted.add(await(answer).succeeded());
    }
    assertThat(admitted)
        .as("each decided as if alone, in the order of arrival; exactly the limit")
        .containsExactly(true, true, true, true, true, false, false, false, false);
    assertThat(counter("edge_ratelimit_coalesced")).isEqualTo(6 + 1);
  }

  @Test
  void inTheRelaysLoopContextAPassGoesInOneCallAndIsAnsweredInThatContext() throws Exception {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter =
        limiter(store, patient(RateLimitConfig.of("p", 5, Duration.ofMinutes(1))), 2);

    // As the relay does: a raw Netty read on the loop, with the loop's context made current.
    EventLoop loop = ((VertxInternal) vertx).nettyEventLoopGroup().next();
    ContextInternal loopContext =
        ((VertxInternal) vertx)
            .contextBuilder()
            .withThreadingModel(ThreadingModel.EVENT_LOOP)
            .withEventLoop(loop)
            .build();
    List<Future<List<RateLimitStatus>>> answers = new CopyOnWriteArrayList<>();
    List<Boolean> answeredInTheContext = new CopyOnWriteArrayList<>();
    loop.execute(
        () ->
            loopContext.dispatch(
                () -> {
                  for (int i = 0; i < 3; i++) {
                    Future<List<RateLimitStatus>> answer =
                        limiter.admit(List.of("p"), key -> "10.0.0.1");
                    answer.onComplete(
                        done ->
                            answeredInTheContext.add(
                                loop.inEventLoop() && Vertx.currentContext() == loopContext));
                    answers.add(answer);
                  }
                }));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !store.calls.isEmpty());
    assertThat(store.calls).containsExactly(3);
    store.release();

    for (Future<List<RateLimitStatus>> answer : answers) {
      assertThat(await(answer).succeeded()).isTrue();
    }
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> answeredInTheContext.size() == 3);
    assertThat(answeredInTheContext).containsOnly(true);
  }

  @Test
  void aPassWithMoreRequestsThanABatchSendsTheRestInTheNextFreeCall() throws Exception {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter =
        limiter(store, patient(RateLimitConfig.of("p", 1_000, Duration.ofMinutes(1))), 2);

    List<Future<List<RateLimitStatus>>> answers = new CopyOnWriteArrayList<>();
    vertx.runOnContext(
        pass -> {
          for (int i = 0; i < 300; i++) {
            answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
          }
        });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.calls.size() == 2);
    assertThat(store.calls).as("batches of at most 256").containsExactly(256, 44);
    store.release();
    store.release();
    for (Future<List<RateLimitStatus>> answer : answers) {
      assertThat(await(answer).succeeded()).isTrue();
    }
  }

  @Test
  void callsAnsweredOutOfOrderStillAdmitExactlyTheLimit() throws Exception {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter = limiter(store, RateLimitConfig.of("p", 5, Duration.ofMinutes(1)), 3);

    List<Future<List<RateLimitStatus>>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
    }
    // The owner decides the newest call first, every time.
    while (store.pending() > 0) {
      store.releaseNewest();
    }

    int admitted = 0;
    for (Future<List<RateLimitStatus>> answer : answers) {
      admitted += await(answer).succeeded() ? 1 : 0;
    }
    assertThat(admitted).isEqualTo(5);
    assertThat(store.calls.stream().mapToInt(Integer::intValue).sum())
        .as("every request was decided by the store")
        .isEqualTo(20);
  }

  @Test
  void otherKeysAreNotHeldUpByABusyKey() {
    Gated store = new Gated(new InMemoryStore());
    RateLimiter limiter = limiter(store, RateLimitConfig.of("p", 5, Duration.ofMinutes(1)), 1);

    limiter.admit(List.of("p"), key -> "10.0.0.1");
    limiter.admit(List.of("p"), key -> "10.0.0.2");

    assertThat(store.calls).containsExactly(1, 1);
  }

  @Test
  void waitingInLineNeverTakesLongerThanTheStoreTimeout() throws Exception {
    Gated silent = new Gated(new InMemoryStore());
    RateLimiter limiter =
        limiter(
            silent,
            RateLimitConfig.of("p", 5, Duration.ofMinutes(1))
                .withStore(
                    Duration.ofMillis(1000),
                    new StoreBreakerConfig(2, Duration.ofSeconds(1)),
                    StoreFailurePolicy.FAIL_OPEN),
            1);
    // One timeout is 1 s, two would be 2 s: wide enough apart for a loaded machine.
    long started = System.nanoTime();
    List<Future<List<RateLimitStatus>>> answers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answers.add(limiter.admit(List.of("p"), key -> "10.0.0.1"));
    }

    for (Future<List<RateLimitStatus>> answer : answers) {
      assertThat(await(answer).result().get(0).decision())
          .isEqualTo(RateLimitDecision.ADMITTED_STORE_FAILURE);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("the waiters were not given a second full timeout")
        .isLessThan(Duration.ofMillis(1800));
  }

  /** A store timeout that a held call on a loaded machine cannot reach. */
  private static RateLimitConfig patient(RateLimitConfig policy) {
    return policy.withStore(Duration.ofSeconds(30), policy.storeBreaker(), policy.onStoreFailure());
  }

  private RateLimiter limiter(RateLimitStore store, RateLimitConfig policy, int callsInFlight) {
    return new RateLimiter(
        List.of(policy.withCallsInFlight(callsInFlight)), store, vertx, clock, registry);
  }

  private static <T> io.vertx.core.AsyncResult<T> await(Future<T> future) throws Exception {
    try {
      future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException expected) {
      // The failed future is returned as it is.
    }
    return future;
  }

  private double counter(String name) {
    return registry.get(name).tag("policy", "p").counter().count();
  }

  /** A store whose batch answers wait until the test releases them, oldest first. */
  private static final class Gated implements RateLimitStore {
    private final InMemoryStore store;
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();

    Gated(InMemoryStore store) {
      this.store = store;
    }

    void release() {
      held.remove(0).run();
    }

    void releaseNewest() {
      held.remove(held.size() - 1).run();
    }

    int pending() {
      return held.size();
    }

    @Override
    public Future<Admissions> acquireEach(
        String policy, String key, LimitAlgorithm algorithm, long nowMicros, long cost, int count) {
      calls.add(count);
      Promise<Admissions> answer = Promise.promise();
      held.add(
          () ->
              store.acquireEach(policy, key, algorithm, nowMicros, cost, count).onComplete(answer));
      return answer.future();
    }

    @Override
    public Future<LimitStep> acquire(
        String policy, String key, LimitAlgorithm algorithm, long nowMicros, TokenRequest r) {
      throw new AssertionError("exact policies ask in batches");
    }

    @Override
    public Future<Void> refund(
        String policy, String key, LimitAlgorithm algorithm, long now, long tokens, long at) {
      return store.refund(policy, key, algorithm, now, tokens, at);
    }
  }
}
