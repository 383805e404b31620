package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.util.ConcurrencyUtil;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.testing.FreePorts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store's calls over a one-member cluster: where their answers run, and what they cost. */
class HazelcastRateLimitStoreTest {
  private static final RateLimitConfig POLICY =
      RateLimitConfig.of("store", 1_000_000, Duration.ofSeconds(1));
  private static final LimitAlgorithm GCRA = PolicyLimiter.algorithm(POLICY);

  private static HazelcastInstance member;
  private static Vertx vertx;
  private static RateLimitStore store;

  @BeforeAll
  static void startMember() {
    int port = FreePorts.next();
    member =
        Hazelcast.newHazelcastInstance(
            ClusterMember.hazelcastConfig(
                new ClusterConfig(
                    "store-" + UUID.randomUUID(),
                    "127.0.0.1",
                    port,
                    List.of("127.0.0.1:" + port),
                    11),
                List.of(POLICY)));
    vertx = Vertx.vertx();
    store = RateLimitStore.hazelcast(vertx, () -> Optional.of(member));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    member.shutdown();
  }

  @Test
  void hazelcastRunsCallbacksOnTheThreadThatCompletesTheCall() {
    AtomicReference<Thread> ran = new AtomicReference<>();

    ConcurrencyUtil.getDefaultAsyncExecutor().execute(() -> ran.set(Thread.currentThread()));

    assertThat(ran.get()).isSameAs(Thread.currentThread());
  }

  @Test
  void answersOnTheCallersEventLoopWithoutStartingAThreadPerCall() throws Exception {
    Context context = vertx.getOrCreateContext();
    AtomicInteger elsewhere = new AtomicInteger();
    long threadsBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    Promise<Integer> done = Promise.promise();

    context.runOnContext(ignored -> callInTurn(context, 500, 0, elsewhere, done));

    assertThat(done.future().await(30, TimeUnit.SECONDS)).isEqualTo(500);
    assertThat(elsewhere).hasValue(0);
    // One new thread per call was the cost of Hazelcast's default executor on two cores.
    assertThat(ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - threadsBefore)
        .isLessThan(20);
  }

  private static void callInTurn(
      Context context, int calls, int done, AtomicInteger elsewhere, Promise<Integer> finished) {
    if (done == calls) {
      finished.complete(done);
      return;
    }
    Future<Admissions> answer =
        store.acquireEach(POLICY.name(), "key", GCRA, System.currentTimeMillis() * 1_000, 1, 1);
    answer.onComplete(
        result -> {
          if (Vertx.currentContext() != context) {
            elsewhere.incrementAndGet();
          }
          if (result.failed() || result.result().admitted() != 1) {
            finished.fail("call " + done + ": " + result);
            return;
          }
          callInTurn(context, calls, done + 1, elsewhere, finished);
        });
  }
}
