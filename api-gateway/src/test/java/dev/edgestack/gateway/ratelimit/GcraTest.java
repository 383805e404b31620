package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The arithmetic alone, against an in-memory TAT and a clock the test moves. */
class GcraTest {
  private static final long SECOND = 1_000_000;

  private final Gcra gcra = Gcra.of(60, Duration.ofMinutes(1), 60);
  private final TestClock clock = new TestClock(1_700_000_000L * SECOND);
  private Long tat;

  @Test
  void admitsTheBurstThenRejectsThe61stWithinASecond() {
    for (int i = 1; i <= 60; i++) {
      GcraResult result = request();
      assertThat(result.decision()).as("request %d", i).isEqualTo(RateLimitDecision.ADMITTED);
      assertThat(result.remaining()).isEqualTo(60 - i);
      clock.advance(10_000);
    }

    GcraResult rejected = request();

    assertThat(rejected.decision()).isEqualTo(RateLimitDecision.REJECTED);
    assertThat(rejected.remaining()).isZero();
    // 600 ms have passed since the first request: one token comes back 400 ms from now.
    assertThat(rejected.retryAfterMicros()).isEqualTo(400_000);
    assertThat(rejected.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void givesBackOneRequestPerSecond() {
    drain();

    clock.advance(SECOND);
    assertThat(request().decision()).isEqualTo(RateLimitDecision.ADMITTED);
    assertThat(request().decision()).isEqualTo(RateLimitDecision.REJECTED);

    clock.advance(SECOND);
    assertThat(request().decision()).isEqualTo(RateLimitDecision.ADMITTED);
    assertThat(request().decision()).isEqualTo(RateLimitDecision.REJECTED);
  }

  @Test
  void aRejectedRequestConsumesNothing() {
    drain();
    for (int i = 0; i < 100; i++) {
      assertThat(request().decision()).isEqualTo(RateLimitDecision.REJECTED);
    }

    clock.advance(SECOND);

    assertThat(request().decision()).isEqualTo(RateLimitDecision.ADMITTED);
  }

  @Test
  void retryAfterIsExactAndRoundedUpToWholeSeconds() {
    drain();

    assertThat(request().retryAfterSeconds()).isEqualTo(1);
    clock.advance(SECOND / 2);
    GcraResult halfway = request();
    assertThat(halfway.retryAfterMicros()).isEqualTo(SECOND / 2);
    assertThat(halfway.retryAfterSeconds()).isEqualTo(1);
    clock.advance(SECOND / 2 - 1);
    assertThat(request().retryAfterMicros()).isEqualTo(1);
    clock.advance(1);
    assertThat(request().decision()).isEqualTo(RateLimitDecision.ADMITTED);
  }

  @Test
  void resetCountsTheSecondsUntilTheFullBurstIsBack() {
    GcraResult first = request();
    assertThat(first.resetSeconds()).isEqualTo(1);
    for (int i = 0; i < 59; i++) {
      request();
    }
    GcraResult rejected = request();
    assertThat(rejected.resetSeconds()).isEqualTo(60);

    clock.advance(30 * SECOND);
    GcraResult admitted = request();
    assertThat(admitted.remaining()).isEqualTo(29);
    assertThat(admitted.resetSeconds()).isEqualTo(31);
  }

  @Test
  void anIdleKeyStartsWithAFullBurst() {
    drain();
    clock.advance(120 * SECOND);

    assertThat(request().remaining()).isEqualTo(59);
  }

  @Test
  void aBurstSmallerThanTheLimitSpacesRequests() {
    Gcra strict = Gcra.of(10, Duration.ofSeconds(1), 1);
    long now = 0;
    GcraResult first = strict.evaluate(null, now);
    GcraResult second = strict.evaluate(first.tatMicros(), now);

    assertThat(first.decision()).isEqualTo(RateLimitDecision.ADMITTED);
    assertThat(second.decision()).isEqualTo(RateLimitDecision.REJECTED);
    assertThat(second.retryAfterMicros()).isEqualTo(100_000);
    assertThat(strict.evaluate(first.tatMicros(), now + 100_000).decision())
        .isEqualTo(RateLimitDecision.ADMITTED);
  }

  private void drain() {
    for (int i = 0; i < 60; i++) {
      assertThat(request().decision()).isEqualTo(RateLimitDecision.ADMITTED);
    }
  }

  private GcraResult request() {
    GcraResult result = gcra.evaluate(tat, clock.micros());
    if (result.decision() == RateLimitDecision.ADMITTED) {
      tat = result.tatMicros();
    }
    return result;
  }

  /** A clock that only moves when told to. */
  static final class TestClock {
    private long micros;

    TestClock(long micros) {
      this.micros = micros;
    }

    long micros() {
      return micros;
    }

    void advance(long delta) {
      micros += delta;
    }
  }
}
