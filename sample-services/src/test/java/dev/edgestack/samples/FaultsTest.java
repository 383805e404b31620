package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FaultsTest {
  private static final int DRAWS = 20_000;

  @Test
  void errorAndResetRatesAreSharesOfOneDie() {
    Faults faults = Faults.fromJson(new JsonObject().put("errorRate", 0.5).put("resetRate", 0.1));

    Map<FaultAction, Integer> counts = count(faults, new Random(42));

    assertThat(counts.getOrDefault(FaultAction.ERROR, 0) / (double) DRAWS)
        .isCloseTo(0.5, within(0.02));
    assertThat(counts.getOrDefault(FaultAction.RESET, 0) / (double) DRAWS)
        .isCloseTo(0.1, within(0.01));
    assertThat(counts.getOrDefault(FaultAction.PASS, 0) / (double) DRAWS)
        .isCloseTo(0.4, within(0.02));
  }

  @Test
  void theSameSeedGivesTheSameSequence() {
    Faults faults = Faults.fromJson(new JsonObject().put("errorRate", 0.3));
    Random first = new Random(7);
    Random second = new Random(7);

    for (int i = 0; i < 100; i++) {
      assertThat(faults.decide(first)).isEqualTo(faults.decide(second));
    }
  }

  @Test
  void hangWinsOverEveryOtherFault() {
    Faults faults = Faults.fromJson(new JsonObject().put("hang", true).put("errorRate", 1.0));

    assertThat(faults.decide(new Random(1))).isEqualTo(FaultAction.HANG);
  }

  @Test
  void noRatesDrawNothing() {
    Faults slow = Faults.fromJson(new JsonObject().put("latencyMs", 10));
    Random random = new Random(3);
    double next = new Random(3).nextDouble();

    assertThat(slow.decide(random)).isEqualTo(FaultAction.PASS);
    assertThat(random.nextDouble()).isEqualTo(next);
    assertThat(slow.active()).isTrue();
    assertThat(Faults.NONE.active()).isFalse();
  }

  @Test
  void absentFieldsMeanNoFault() {
    assertThat(Faults.fromJson(new JsonObject())).isEqualTo(Faults.NONE);
    assertThat(Faults.fromJson(Faults.NONE.toJson())).isEqualTo(Faults.NONE);
  }

  @Test
  void injectedStatusesComeFromTheFailureTaxonomy() {
    assertThat(InjectedStatus.kindOf(503).status()).isEqualTo(503);
    assertThat(InjectedStatus.kindOf(502).status()).isEqualTo(502);
    assertThat(InjectedStatus.kindOf(429).status()).isEqualTo(429);
    assertThatThrownBy(() -> InjectedStatus.kindOf(501))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("503");
  }

  private static Map<FaultAction, Integer> count(Faults faults, Random random) {
    Map<FaultAction, Integer> counts = new EnumMap<>(FaultAction.class);
    for (int i = 0; i < DRAWS; i++) {
      counts.merge(faults.decide(random), 1, Integer::sum);
    }
    return counts;
  }
}
