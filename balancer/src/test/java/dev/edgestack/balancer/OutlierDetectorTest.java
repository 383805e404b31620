package dev.edgestack.balancer;

import static dev.edgestack.balancer.Endpoints.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  private final ManualTicker ticker = new ManualTicker();
  private final List<Endpoint> endpoints = endpoints(1, 1, 1, 1);
  private final Pool pool =
      Pool.builder("outliers", BalancingStrategy.roundRobin())
          .endpoints(endpoints)
          .ticker(ticker)
          .build();
  private final OutlierConfig config =
      new OutlierConfig(
          true, 5, 3, Duration.ofSeconds(10), Duration.ofSeconds(25), 0.5, Duration.ofSeconds(30));
  private final OutlierDetector detector = OutlierDetector.attach(pool, config, ticker);
  private final Endpoint a = endpoints.get(0);

  private OutlierDetector.Decision report(Endpoint endpoint, Outcome outcome, int times) {
    OutlierDetector.Decision last = OutlierDetector.Decision.NONE;
    for (int i = 0; i < times; i++) {
      last = detector.observe(endpoint, outcome);
    }
    return last;
  }

  @Test
  void ejectsAfterFiveConsecutive5xx() {
    assertThat(report(a, Outcome.SERVER_ERROR, 4)).isEqualTo(OutlierDetector.Decision.NONE);
    assertThat(a.ejected()).isFalse();
    assertThat(report(a, Outcome.SERVER_ERROR, 1)).isEqualTo(OutlierDetector.Decision.EJECTED);
    assertThat(a.ejected()).isTrue();
    assertThat(a.usable()).isFalse();
    assertThat(pool.usableCount()).isEqualTo(3);
  }

  @Test
  void aSuccessBreaksTheStreak() {
    report(a, Outcome.SERVER_ERROR, 4);
    report(a, Outcome.SUCCESS, 1);
    report(a, Outcome.SERVER_ERROR, 4);
    assertThat(a.ejected()).isFalse();
  }

  @Test
  void localFailuresAreCountedApartFrom5xx() {
    report(a, Outcome.CONNECT_FAILURE, 1);
    report(a, Outcome.TIMEOUT, 1);
    assertThat(a.ejected()).isFalse();
    assertThat(report(a, Outcome.RESET, 1)).isEqualTo(OutlierDetector.Decision.EJECTED);
  }

  @Test
  void anAnswerEndsALocalFailureStreak() {
    report(a, Outcome.CONNECT_FAILURE, 2);
    report(a, Outcome.SERVER_ERROR, 1);
    report(a, Outcome.CONNECT_FAILURE, 2);
    assertThat(a.ejected()).isFalse();
  }

  @Test
  void localRejectionsAndCancellationsNeverCountAgainstAnEndpoint() {
    report(a, Outcome.LOCAL_REJECTION, 100);
    report(a, Outcome.CANCELLED, 100);
    assertThat(a.ejected()).isFalse();
    report(a, Outcome.CONNECT_FAILURE, 2);
    report(a, Outcome.LOCAL_REJECTION, 10);
    report(a, Outcome.CONNECT_FAILURE, 1);
    assertThat(a.ejected()).as("rejections neither count nor break a streak").isTrue();
  }

  @Test
  void ejectionTimeGrowsWithEachEjectionUpToTheCap() {
    report(a, Outcome.RESET, 3);
    ticker.advance(Duration.ofSeconds(9));
    detector.tick();
    assertThat(a.ejected()).isTrue();
    ticker.advance(Duration.ofSeconds(1));
    detector.tick();
    assertThat(a.ejected()).as("back after 10s").isFalse();

    report(a, Outcome.RESET, 3);
    ticker.advance(Duration.ofSeconds(19));
    detector.tick();
    assertThat(a.ejected()).isTrue();
    ticker.advance(Duration.ofSeconds(1));
    detector.tick();
    assertThat(a.ejected()).as("back after 20s").isFalse();

    report(a, Outcome.RESET, 3);
    assertThat(detector.ejectionCount(a)).isEqualTo(3);
    ticker.advance(Duration.ofSeconds(25));
    detector.tick();
    assertThat(a.ejected()).as("capped at 25s, not 30s").isFalse();
  }

  @Test
  void quietIntervalsLowerTheEjectionCount() {
    report(a, Outcome.RESET, 3);
    ticker.advance(Duration.ofSeconds(10));
    detector.tick();
    assertThat(detector.ejectionCount(a)).isEqualTo(1);
    ticker.advance(Duration.ofSeconds(30));
    detector.tick();
    assertThat(detector.ejectionCount(a)).isZero();
  }

  @Test
  void neverEjectsMoreThanTheMaximumShare() {
    assertThat(report(endpoints.get(0), Outcome.RESET, 3))
        .isEqualTo(OutlierDetector.Decision.EJECTED);
    assertThat(report(endpoints.get(1), Outcome.RESET, 3))
        .isEqualTo(OutlierDetector.Decision.EJECTED);
    assertThat(report(endpoints.get(2), Outcome.RESET, 3))
        .isEqualTo(OutlierDetector.Decision.EJECTION_REFUSED);
    assertThat(endpoints.get(2).ejected()).isFalse();
    assertThat(pool.usableCount()).isEqualTo(2);
    assertThat(detector.ejections()).isEqualTo(2);
  }

  @Test
  void anEndpointBackFromEjectionSlowStarts() {
    Pool slow =
        Pool.builder("slow", BalancingStrategy.roundRobin())
            .endpoints(endpoints(1, 1))
            .slowStart(new SlowStartConfig(Duration.ofSeconds(10), 1, 0.1))
            .ticker(ticker)
            .build();
    OutlierDetector slowDetector = OutlierDetector.attach(slow, config, ticker);
    Endpoint first = slow.endpoints().get(0);
    for (int i = 0; i < 3; i++) {
      slow.report(first, Outcome.CONNECT_FAILURE, 1_000);
    }
    assertThat(first.ejected()).isTrue();
    ticker.advance(Duration.ofSeconds(10));
    slowDetector.tick();
    assertThat(first.usable()).isTrue();
    assertThat(slow.effectiveWeight(first)).isEqualTo(0.1);
  }
}
