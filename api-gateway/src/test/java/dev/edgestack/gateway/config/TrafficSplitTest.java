package dev.edgestack.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrafficSplitTest {
  private final TrafficSplit split =
      new TrafficSplit(
          List.of(new TrafficSplit.Share("a", 90), new TrafficSplit.Share("b", 10)),
          Optional.empty());

  @Test
  void randomPicksHoldTheWeightsWithinATolerance() {
    Random random = new Random(7);
    int toB = 0;
    for (int i = 0; i < 10_000; i++) {
      if (split.pick(Optional.empty(), random).equals("b")) {
        toB++;
      }
    }
    assertThat(toB).isBetween(900, 1100);
  }

  @Test
  void aKeyAlwaysPicksTheSameSideWhateverTheRandomness() {
    for (int client = 0; client < 100; client++) {
      String key = "client-" + client;
      String first = split.pick(Optional.of(key), new Random(1));
      assertThat(split.pick(Optional.of(key), new Random(2))).isEqualTo(first);
    }
  }

  @Test
  void keysSpreadByWeight() {
    int toB = 0;
    for (int client = 0; client < 10_000; client++) {
      if (split.pick(Optional.of("user-" + client), new Random(1)).equals("b")) {
        toB++;
      }
    }
    assertThat(toB).isBetween(850, 1150);
  }

  @Test
  void aZeroWeightSideIsNeverPicked() {
    TrafficSplit off =
        new TrafficSplit(
            List.of(new TrafficSplit.Share("a", 1), new TrafficSplit.Share("b", 0)),
            Optional.empty());
    Random random = new Random(3);
    for (int i = 0; i < 1000; i++) {
      assertThat(off.pick(Optional.empty(), random)).isEqualTo("a");
      assertThat(off.pick(Optional.of("k" + i), random)).isEqualTo("a");
    }
  }
}
