package dev.edgestack.balancer.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.balancer.LimitsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admission queue's wake-ups, including the one a release gives before anyone waits. */
class AdmissionQueueTest {
  private final Vertx vertx = Vertx.vertx();
  private final AdmissionQueue queue =
      new AdmissionQueue(vertx, new LimitsConfig(1, 2, Duration.ofSeconds(5)));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWaitBegunAfterAReleaseItDidNotSeeGoesOnAtOnce() throws Exception {
    long seen = queue.releases();
    // A request finishes between the pick that found every endpoint full and the wait.
    queue.wakeOne();

    Future<Void> woken = queue.await(5_000, seen);

    // Not after the 5 s queue timeout with the freed slot unused.
    woken.toCompletionStage().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(queue.length()).isZero();
  }

  @Test
  void aWaitWithNoReleaseSinceItsPickWaitsForTheNextOne() throws Exception {
    queue.wakeOne();
    Future<Void> woken = queue.await(5_000, queue.releases());
    assertThat(queue.length()).isEqualTo(1);
    assertThat(woken.isComplete()).isFalse();

    queue.wakeOne();

    woken.toCompletionStage().toCompletableFuture().get(1, TimeUnit.SECONDS);
    assertThat(queue.length()).isZero();
  }

  @Test
  void aFullQueueAndATimedOutWaitAreRejectedWithTheirReason() throws Exception {
    AdmissionQueue small = new AdmissionQueue(vertx, new LimitsConfig(1, 1, Duration.ofMillis(50)));
    Future<Void> first = small.await(5_000, small.releases());
    Future<Void> second = small.await(5_000, small.releases());

    assertThat(second.failed()).isTrue();
    assertThat(((AdmissionQueue.RejectedException) second.cause()).reason)
        .isEqualTo(AdmissionQueue.Rejection.QUEUE_FULL);
    Throwable timedOut =
        first
            .transform(done -> Future.succeededFuture(done.cause()))
            .toCompletionStage()
            .toCompletableFuture()
            .get(2, TimeUnit.SECONDS);
    assertThat(((AdmissionQueue.RejectedException) timedOut).reason)
        .isEqualTo(AdmissionQueue.Rejection.QUEUE_TIMEOUT);
  }
}
