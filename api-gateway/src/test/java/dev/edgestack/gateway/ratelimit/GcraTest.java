package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The arithmetic alone, against an in-memory state and a clock the test moves. */
class GcraTest {
  private static final long SECOND = 1_000_000;

  private final Gcra gcra = Gcra.of(60, Duration.ofMinutes(1), 60);
  private long now = 1_700_000_000L * SECOND;
  private Serializable state;

  @Test
  void admitsTheBurstThenRejectsThe61stWithinASecond() {
    for (int i = 1; i <= 60; i++) {
      LimitStep result = request(1);
      assertThat(result.decision()).as("request %d", i).isEqualTo(RateLimitDecision.ADMITTED);
      assertThat(result.remaining()).isEqualTo(60 - i);
      now += 10_000;
    }

    LimitStep rejected = request(1);

    assertThat(rejected.decision()).isEqualTo(RateLimitDecision.REJECTED);
    assertThat(rejected.remaining()).isZero();
    // 600 ms have passed since the first request: one token comes back 400 ms from now.
    assertThat(rejected.retryAfterMicros()).isEqualTo(400_000);
    assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void givesBackOneRequestPerSecond() {
    drain();

    now += SECOND;
    assertThat(request(1).admitted()).isTrue();
    assertThat(request(1).admitted()).isFalse();

    now += SECOND;
    assertThat(request(1).admitted()).isTrue();
    assertThat(request(1).admitted()).isFalse();
  }

  @Test
  void aRejectedRequestConsumesNothing() {
    drain();
    Serializable before = state;
    for (int i = 0; i < 100; i++) {
      assertThat(request(1).decision()).isEqualTo(RateLimitDecision.REJECTED);
    }
    assertThat(state).isEqualTo(before);

    now += SECOND;

    assertThat(request(1).decision()).isEqualTo(RateLimitDecision.ADMITTED);
  }

  @Test
  void retryAfterIsExactAndRoundedUpToWholeSeconds() {
    drain();

    assertThat(request(1).retryAfterSeconds()).isEqualTo(1);
    now += SECOND / 2;
    LimitStep halfway = request(1);
    assertThat(halfway.retryAfterMicros()).isEqualTo(SECOND / 2);
    assertThat(halfway.retryAfterSeconds()).isEqualTo(1);
    now += SECOND / 2 - 1;
    assertThat(request(1).retryAfterMicros()).isEqualTo(1);
    now += 1;
    assertThat(request(1).decision()).isEqualTo(RateLimitDecision.ADMITTED);
  }

  @Test
  void aCostOfFiveTakesFiveTokensAndWaitsForFive() {
    for (int i = 0; i < 11; i++) {
      assertThat(request(5).admitted()).isTrue();
    }
    LimitStep left = request(5);
    assertThat(left.admitted()).isTrue();
    assertThat(left.remaining()).isZero();
    now += 3 * SECOND;

    LimitStep rejected = request(5);

    assertThat(rejected.admitted()).isFalse();
    assertThat(rejected.remaining()).isEqualTo(3);
    assertThat(rejected.retryAfterMicros()).isEqualTo(2 * SECOND);
    // A cheaper request fits in what is there.
    assertThat(request(3).admitted()).isTrue();
  }

  @Test
  void resetCountsTheSecondsUntilTheFullBurstIsBack() {
    LimitStep first = request(1);
    assertThat(first.resetSeconds()).isEqualTo(1);
    for (int i = 0; i < 59; i++) {
      request(1);
    }
    LimitStep rejected = request(1);
    assertThat(rejected.resetSeconds()).isEqualTo(60);

    now += 30 * SECOND;
    LimitStep admitted = request(1);
    assertThat(admitted.remaining()).isEqualTo(29);
    assertThat(admitted.resetSeconds()).isEqualTo(31);
  }

  @Test
  void anIdleKeyStartsWithAFullBurst() {
    drain();
    now += 120 * SECOND;

    assertThat(request(1).remaining()).isEqualTo(59);
  }

  @Test
  void aBurstSmallerThanTheLimitSpacesRequests() {
    Gcra strict = Gcra.of(10, Duration.ofSeconds(1), 1);
    LimitStep first = strict.acquire(null, 0, 1);
    LimitStep second = strict.acquire(first.state(), 0, 1);

    assertThat(first.admitted()).isTrue();
    assertThat(second.admitted()).isFalse();
    assertThat(second.retryAfterMicros()).isEqualTo(100_000);
    assertThat(strict.acquire(first.state(), 100_000, 1).admitted()).isTrue();
  }

  @Test
  void aLeaseTakesAtMostItsShareOfTheSpareTokens() {
    // 60 available, 2 x 3 gateways: 1 needed + 59 / 6 spare = 10.
    LimitStep lease = gcra.acquire(null, now, 1, 20, 6);
    assertThat(lease.granted()).isEqualTo(10);
    assertThat(lease.remaining()).isEqualTo(50);

    // Near the end, only what is needed.
    for (int i = 0; i < 45; i++) {
      state = lease.state();
      lease = gcra.acquire(state, now, 1, 1, 1);
    }
    LimitStep last = gcra.acquire(lease.state(), now, 1, 20, 6);
    assertThat(last.granted()).isEqualTo(1 + 4 / 6);
  }

  @Test
  void aRefundGivesTheTokensBackExactly() {
    drain();
    Serializable full = state;
    LimitStep extra = gcra.acquire(gcra.refund(full, now, 3, now), now, 3);

    assertThat(extra.admitted()).isTrue();
    assertThat(extra.state()).isEqualTo(full);
  }

  @Test
  void neverGrantsMoreThanBurstPlusOnePerEmissionIntervalInAnyWindow() {
    Random random = new Random(42);
    Deque<long[]> granted = new ArrayDeque<>();
    for (int i = 0; i < 20_000; i++) {
      now += random.nextInt(400_000);
      int cost = 1 + random.nextInt(3);
      LimitStep step = request(cost);
      if (step.admitted()) {
        granted.addLast(new long[] {now, cost});
      }
      // In the last 10 s at most 60 + 10 tokens.
      while (granted.peekFirst()[0] < now - 10 * SECOND) {
        granted.removeFirst();
      }
      long inWindow = granted.stream().mapToLong(g -> g[1]).sum();
      assertThat(inWindow).isLessThanOrEqualTo(60 + 10);
    }
  }

  private void drain() {
    for (int i = 0; i < 60; i++) {
      assertThat(request(1).decision()).isEqualTo(RateLimitDecision.ADMITTED);
    }
  }

  private LimitStep request(int cost) {
    LimitStep result = gcra.acquire(state, now, cost);
    if (result.admitted()) {
      state = result.state();
    }
    return result;
  }
}
