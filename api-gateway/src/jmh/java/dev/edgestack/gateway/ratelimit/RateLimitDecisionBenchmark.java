package dev.edgestack.gateway.ratelimit;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.LeaseConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One rate-limit decision in process, over a one-member Hazelcast cluster on loopback: {@code
 * exact} (an entry processor on the key's owner per request) against {@code leased} (a local lease
 * refilled in batches), one hot key under a limit it never reaches. Run with {@code mvn -o -q -pl
 * api-gateway -am -Pjmh-gateway -DskipTests test -Djmh.args="-f 1 -wi 3 -w 1s -i 5 -r 1s
 * RateLimitDecisionBenchmark"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RateLimitDecisionBenchmark {
  @Param({"exact", "leased"})
  public String consistency;

  /**
   * {@code hazelcast}: a one-member cluster; {@code memory}: the same steps answered at once in
   * process, which leaves the gateway's own work around a decision.
   */
  @Param({"hazelcast", "memory"})
  public String store;

  private Vertx vertx;
  private HazelcastInstance member;
  private RateLimiter limiter;
  private List<String> policies;

  @Setup
  public void setUp() throws Exception {
    // A million a second with a burst of a billion: the in-process store runs faster than the rate.
    RateLimitConfig policy = RateLimitConfig.of("bench", 1_000_000_000, Duration.ofSeconds(1_000));
    if (consistency.equals("leased")) {
      policy = policy.withLease(LeaseConfig.DEFAULT);
    }
    policies = List.of(policy.name());
    vertx = Vertx.vertx();
    if (store.equals("memory")) {
      limiter =
          new RateLimiter(
              List.of(policy),
              new ImmediateStore(),
              vertx,
              Clock.systemUTC(),
              new SimpleMeterRegistry());
      decide();
      return;
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    ClusterConfig cluster =
        new ClusterConfig("bench-" + UUID.randomUUID(), "127.0.0.1", port, List.of(address), 11);
    member =
        Hazelcast.newHazelcastInstance(ClusterMember.hazelcastConfig(cluster, List.of(policy)));
    HazelcastInstance instance = member;
    limiter =
        new RateLimiter(
            List.of(policy),
            RateLimitStore.hazelcast(vertx, () -> Optional.of(instance)),
            vertx,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    decide();
  }

  @TearDown
  public void tearDown() throws Exception {
    limiter.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    if (member != null) {
      member.shutdown();
    }
  }

  /**
   * One request's whole rate-limit step as the gateway runs it: the decision, then its fields on
   * the response headers; waits only when the decision is not complete at once (a store call).
   */
  @Benchmark
  public Object decideAndWriteFields() throws Exception {
    Future<List<RateLimitStatus>> decision = limiter.admit(policies, key -> "hot");
    List<RateLimitStatus> statuses =
        decision.isComplete()
            ? decision.result()
            : decision.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    MultiMap headers = HttpHeaders.headers();
    RateLimitHeaders.apply(statuses, headers);
    return headers;
  }

  @Benchmark
  public Object decide() throws Exception {
    return limiter
        .admit(policies, key -> "hot")
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }
}
