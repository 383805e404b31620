package dev.edgestack.gateway.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.config.CircuitBreakerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The state machine, driven by a manual clock. */
class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> transitions = new ArrayList<>();
  private final CircuitBreaker breaker =
      new CircuitBreaker(
          new CircuitBreakerConfig(0.5, 4, Duration.ofSeconds(10), Duration.ofSeconds(5), 2),
          now::get,
          (from, to) -> transitions.add(from + "->" + to));

  private void call(CallOutcome outcome) {
    CircuitPermit permit = breaker.tryAcquire();
    assertThat(permit.admitted()).isTrue();
    breaker.record(permit, outcome);
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }

  @Test
  void staysClosedBelowTheMinimumNumberOfCalls() {
    call(CallOutcome.FAILURE);
    call(CallOutcome.FAILURE);
    call(CallOutcome.FAILURE);

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void opensOnceTheFailureRatioIsReachedOverTheMinimumCalls() {
    call(CallOutcome.SUCCESS);
    call(CallOutcome.FAILURE);
    call(CallOutcome.SUCCESS);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);

    call(CallOutcome.FAILURE);

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(transitions).containsExactly("CLOSED->OPEN");
  }

  @Test
  void ignoredOutcomesNeverCount() {
    for (int i = 0; i < 10; i++) {
      call(CallOutcome.IGNORED);
    }
    call(CallOutcome.FAILURE);
    call(CallOutcome.SUCCESS);
    call(CallOutcome.SUCCESS);

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() {
    call(CallOutcome.FAILURE);
    call(CallOutcome.FAILURE);
    call(CallOutcome.FAILURE);
    advance(Duration.ofSeconds(11));

    call(CallOutcome.FAILURE);

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void whileOpenItRejectsAtOnceWithTheTimeLeft() {
    openIt();
    advance(Duration.ofSeconds(2));

    CircuitPermit permit = breaker.tryAcquire();

    assertThat(permit.admitted()).isFalse();
    assertThat(permit.retryAfter()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void afterOpenForItLetsOnlyTheConfiguredProbesThrough() {
    openIt();
    advance(Duration.ofSeconds(5));

    CircuitPermit first = breaker.tryAcquire();
    CircuitPermit second = breaker.tryAcquire();
    CircuitPermit third = breaker.tryAcquire();

    assertThat(first.admitted()).isTrue();
    assertThat(second.admitted()).isTrue();
    assertThat(third.admitted()).isFalse();
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
  }

  @Test
  void closesWhenEveryProbeSucceeds() {
    openIt();
    advance(Duration.ofSeconds(5));
    CircuitPermit first = breaker.tryAcquire();
    CircuitPermit second = breaker.tryAcquire();

    breaker.record(first, CallOutcome.SUCCESS);
    assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    breaker.record(second, CallOutcome.SUCCESS);

    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
    // The window starts afresh: old failures do not reopen it.
    call(CallOutcome.FAILURE);
    assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void aFailedProbeOpensItForAnotherPeriod() {
    openIt();
    advance(Duration.ofSeconds(5));
    CircuitPermit probe = breaker.tryAcquire();

    breaker.record(probe, CallOutcome.FAILURE);

    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    assertThat(breaker.tryAcquire().retryAfter()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anIgnoredProbeGivesItsPlaceBack() {
    openIt();
    advance(Duration.ofSeconds(5));
    CircuitPermit first = breaker.tryAcquire();
    breaker.tryAcquire();

    breaker.record(first, CallOutcome.IGNORED);

    assertThat(breaker.tryAcquire().admitted()).isTrue();
  }

  @Test
  void aLateFailureOfACallAdmittedBeforeOpeningDoesNotExtendTheOpenPeriod() {
    CircuitPermit slow = breaker.tryAcquire();
    openIt();
    advance(Duration.ofSeconds(4));

    breaker.record(slow, CallOutcome.FAILURE);
    advance(Duration.ofSeconds(1));

    assertThat(breaker.tryAcquire().admitted()).isTrue();
  }

  private void openIt() {
    for (int i = 0; i < 4; i++) {
      call(CallOutcome.FAILURE);
    }
    assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
  }
}
