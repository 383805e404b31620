package dev.edgestack.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one {@code pick()} per strategy over 3, 100 and 1,000 endpoints with mixed weights
 * and some requests in flight. Run with {@code mvn -o -pl balancer -Pjmh test}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PickBenchmark {
  @Param({"3", "100", "1000"})
  public int endpoints;

  @Param({
    "round-robin",
    "weighted-round-robin",
    "least-requests",
    "power-of-two-choices",
    "random",
    "consistent-hash"
  })
  public String strategy;

  private Picker picker;
  private long[] keys;
  private int next;

  @Setup
  public void setUp() {
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      int weight = 1 + i % 3;
      Endpoint endpoint =
          new Endpoint(
              new EndpointAddress("10.0." + i / 250 + "." + i % 250, 8080, 8080), weight, true);
      for (int j = 0; j < i % 4; j++) {
        endpoint.started();
      }
      endpoint.latency().record(1_000_000 + i * 1_000, System.nanoTime(), 10_000_000_000L);
      candidates.add(new Candidate(endpoint, weight));
    }
    BalancingStrategy chosen =
        switch (strategy) {
          case "round-robin" -> BalancingStrategy.roundRobin();
          case "weighted-round-robin" -> BalancingStrategy.weightedRoundRobin();
          case "least-requests" -> BalancingStrategy.leastRequests();
          case "power-of-two-choices" -> BalancingStrategy.powerOfTwoChoices();
          case "random" -> BalancingStrategy.random();
          case "consistent-hash" -> BalancingStrategy.consistentHash(1.25);
          default -> throw new IllegalArgumentException(strategy);
        };
    picker = chosen.newPicker(candidates);
    keys = new long[1024];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = ThreadLocalRandom.current().nextLong();
    }
  }

  @Benchmark
  public Endpoint pick() {
    next = (next + 1) & 1023;
    return picker.pick(Set.of(), keys[next]);
  }
}
