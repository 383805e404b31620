package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sliding window's arithmetic with a manual clock: 10 per 10 s, buckets of 1 s. */
class SlidingWindowTest {
  private static final long SECOND = 1_000_000;

  private final SlidingWindow window = SlidingWindow.of(10, Duration.ofSeconds(10));
  private long now = 1_700_000_000L * SECOND;
  private Serializable state;

  @Test
  void admitsTheLimitAtOnceThenRejectsWithAnExactRetryAfter() {
    now += SECOND / 4;
    for (int i = 1; i <= 10; i++) {
      LimitStep step = request(1);
      assertThat(step.admitted()).isTrue();
      assertThat(step.remaining()).isEqualTo(10 - i);
    }

    LimitStep rejected = request(1);

    assertThat(rejected.admitted()).isFalse();
    // The bucket of these ten (started 0.25 s ago) leaves the count 11 buckets after it began.
    assertThat(rejected.retryAfterMicros()).isEqualTo(11 * SECOND - SECOND / 4);
    assertThat(rejected.resetMicros()).isEqualTo(11 * SECOND - SECOND / 4);
    now += rejected.retryAfterMicros() - 1;
    assertThat(request(1).admitted()).isFalse();
    now += 1;
    assertThat(request(1).admitted()).isTrue();
  }

  @Test
  void oldBucketsLeaveOneByOne() {
    for (int i = 0; i < 5; i++) {
      request(1);
      request(1);
      now += SECOND;
    }
    // 10 counted in the buckets of the last 5 s; the oldest 2 leave 6 s from now.
    LimitStep rejected = request(2);
    assertThat(rejected.admitted()).isFalse();
    assertThat(rejected.retryAfterMicros()).isEqualTo(6 * SECOND);
    LimitStep costly = request(4);
    assertThat(costly.retryAfterMicros()).isEqualTo(7 * SECOND);
  }

  @Test
  void aRejectedRequestConsumesNothingAndARefundGivesBack() {
    for (int i = 0; i < 10; i++) {
      request(1);
    }
    Serializable full = state;
    for (int i = 0; i < 50; i++) {
      assertThat(request(1).admitted()).isFalse();
    }
    assertThat(state).isEqualTo(full);

    state = window.refund(state, now, 3, now);

    assertThat(request(3).admitted()).isTrue();
    assertThat(request(1).admitted()).isFalse();
  }

  @Test
  void neverAdmitsMoreThanTheLimitInAnyIntervalOfOnePeriod() {
    Random random = new Random(7);
    Deque<long[]> admitted = new ArrayDeque<>();
    int total = 0;
    for (int i = 0; i < 20_000; i++) {
      now += random.nextInt(700_000);
      int cost = 1 + random.nextInt(2);
      if (request(cost).admitted()) {
        admitted.addLast(new long[] {now, cost});
        total += cost;
      }
      while (admitted.peekFirst()[0] <= now - 10 * SECOND) {
        admitted.removeFirst();
      }
      assertThat(admitted.stream().mapToLong(a -> a[1]).sum()).isLessThanOrEqualTo(10);
    }
    // And it is not simply shut: about one per second goes through (20,000 x 0.35 s = 7,000 s).
    assertThat(total).isGreaterThan(5_000);
  }

  private LimitStep request(int cost) {
    LimitStep result = window.acquire(state, now, cost);
    if (result.admitted()) {
      state = result.state();
    }
    return result;
  }
}
