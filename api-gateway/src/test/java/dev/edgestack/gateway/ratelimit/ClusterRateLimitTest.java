package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.LeaseConfig;
import dev.edgestack.gateway.config.LimitAlgorithmKind;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.StoreBreakerConfig;
import dev.edgestack.gateway.config.StoreFailurePolicy;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three gateways, each with its own embedded member in this JVM (loopback, TCP-IP), and six
 * concurrent clients spread over them: the stated bounds hold, a member can die, a client-mode
 * gateway shares the same limits.
 */
class ClusterRateLimitTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final RateLimitConfig EXACT =
      RateLimitConfig.of("exact", 100, MINUTE)
          .withStore(
              Duration.ofSeconds(5), StoreBreakerConfig.DEFAULT, StoreFailurePolicy.FAIL_CLOSED);
  private static final RateLimitConfig LEASED =
      RateLimitConfig.of("leased", 100, MINUTE)
          .withLease(new LeaseConfig(10, Duration.ofMillis(100)))
          .withStore(
              Duration.ofSeconds(5), StoreBreakerConfig.DEFAULT, StoreFailurePolicy.FAIL_CLOSED);
  private static final RateLimitConfig FAILOVER =
      RateLimitConfig.of("failover", 200, MINUTE)
          .withStore(
              Duration.ofSeconds(10),
              new StoreBreakerConfig(1000, Duration.ofSeconds(1)),
              StoreFailurePolicy.FAIL_CLOSED);
  private static final RateLimitConfig WINDOW =
      RateLimitConfig.of("window", 100, MINUTE)
          .withAlgorithm(LimitAlgorithmKind.SLIDING_WINDOW)
          .withStore(
              Duration.ofSeconds(5), StoreBreakerConfig.DEFAULT, StoreFailurePolicy.FAIL_CLOSED);
  private static final List<RateLimitConfig> POLICIES = List.of(EXACT, LEASED, FAILOVER, WINDOW);
  private static final int CLIENTS = 6;

  private static final List<HazelcastInstance> members = new ArrayList<>();
  private static Vertx vertx;
  private static ExecutorService clients;

  @BeforeAll
  static void startThreeMembers() {
    vertx = Vertx.vertx();
    clients = Executors.newFixedThreadPool(CLIENTS);
    members.addAll(startCluster(3));
  }

  @AfterAll
  static void stopMembers() throws Exception {
    members.forEach(member -> member.getLifecycleService().terminate());
    clients.shutdownNow();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void exactNeverAdmitsMoreThanBurstPlusRefillAndNeverRejectsBelowIt() throws Exception {
    ManualClock clock = ManualClock.at2025();
    List<Gateway> gateways = gateways(members, clock);

    // 300 requests for one key over six clients; each moves the clock by 1 ms, 600 ms in all:
    // T = 600 ms, so at most 100 + 1 may pass, and an exact limiter rejects none of those.
    Run run = run(gateways, 300, i -> "hot", EXACT.name(), () -> clock.advanceMillis(2));
    assertThat(run.failedOtherwise.get()).isZero();
    assertThat(run.admitted.get()).isBetween(100, 101);

    // A client below its limit: exactly 100 requests, none rejected.
    Run below = run(gateways, 100, i -> "calm", EXACT.name(), () -> {});
    assertThat(below.admitted.get()).isEqualTo(100);
    assertThat(below.rejected.get()).isZero();
  }

  @Test
  void aSlidingWindowNeverAdmitsMoreThanTheLimitInAPeriodAcrossGateways() throws Exception {
    ManualClock clock = ManualClock.at2025();
    List<Gateway> gateways = gateways(members, clock);

    // 300 requests in 3 s of a one-minute window: exactly the limit.
    Run run = run(gateways, 300, i -> "hot", WINDOW.name(), () -> clock.advanceMillis(10));
    assertThat(run.failedOtherwise.get()).isZero();
    assertThat(run.admitted.get()).isEqualTo(100);

    Run below = run(gateways, 100, i -> "calm", WINDOW.name(), () -> {});
    assertThat(below.admitted.get()).isEqualTo(100);
  }

  @Test
  void leasedNeverOverAdmitsSavesRoundTripsAndReturnsUnusedTokens() throws Exception {
    ManualClock clock = ManualClock.at2025();
    List<Gateway> gateways = gateways(members, clock);

    Run run = run(gateways, 300, i -> "hot", LEASED.name(), () -> {});

    // No time passes: leased tokens are granted tokens, so never more than the burst.
    assertThat(run.failedOtherwise.get()).isZero();
    assertThat(run.admitted.get()).isBetween(100 - 2 * 10, 100);
    long roundTrips = gateways.stream().mapToLong(g -> storeCalls(g.registry)).sum();
    assertThat(roundTrips).as("round trips for %d admitted", run.admitted.get()).isLessThan(60);

    // Leases expire after 100 ms and give back what they did not spend (and local over-limit
    // entries are trusted no longer than a lease): the rest goes to whoever asks next.
    clock.advanceMillis(100);
    for (Gateway gateway : gateways) {
      gateway.limiter.sweep().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    int rest = 0;
    while (rest < 200 && admit(gateways.get(0).limiter, LEASED.name(), "hot")) {
      rest++;
    }
    // 100 in all: the refill of those 100 ms is a sixth of a token.
    assertThat(run.admitted.get() + rest).isEqualTo(100);
  }

  @Test
  void aMemberKilledMidRunFailsNoRequestAndLosesNoState() throws Exception {
    List<HazelcastInstance> trio = startCluster(3);
    try {
      ManualClock clock = ManualClock.at2025();
      List<Gateway> gateways = gateways(trio, clock);
      HazelcastInstance victim = trio.get(2);
      String key = keyOwnedBy(victim);
      AtomicBoolean killed = new AtomicBoolean();
      AtomicInteger onVictim = new AtomicInteger();
      AtomicInteger done = new AtomicInteger();

      List<Future<Integer>> outcomes = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        outcomes.add(
            clients.submit(
                () -> {
                  int admitted = 0;
                  for (int i = 0; i < 70; i++) {
                    int target = client % 3;
                    if (target == 2) {
                      // The edge stops sending to the gateway that is about to die.
                      onVictim.incrementAndGet();
                      if (killed.get()) {
                        onVictim.decrementAndGet();
                        target = i % 2;
                      }
                    }
                    try {
                      if (admit(gateways.get(target).limiter, FAILOVER.name(), key)) {
                        admitted++;
                      }
                    } finally {
                      if (target == 2) {
                        onVictim.decrementAndGet();
                      }
                      done.incrementAndGet();
                    }
                  }
                  return admitted;
                }));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= 120);
      killed.set(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> onVictim.get() == 0);
      victim.getLifecycleService().terminate();

      int admitted = 0;
      for (Future<Integer> outcome : outcomes) {
        admitted += outcome.get(60, TimeUnit.SECONDS);
      }
      // 420 requests, no time passing, none failed with 503 (admit throws). Never more than the
      // burst: the owner's state survived in its backup. A step whose answer died with the member
      // is retried by Hazelcast on the new owner and may count twice: at most one per client.
      assertThat(admitted).isBetween(200 - CLIENTS, 200);
    } finally {
      trio.forEach(member -> member.getLifecycleService().terminate());
    }
  }

  @Test
  void aClientModeGatewaySharesTheLimitsOfEmbeddedOnes() throws Exception {
    ClusterConfig external =
        new ClusterConfig(
            ClusterConfig.Mode.CLIENT,
            members.get(0).getConfig().getClusterName(),
            "",
            0,
            ClusterConfig.Discovery.TCP_IP,
            members.stream()
                .map(m -> "127.0.0.1:" + m.getCluster().getLocalMember().getAddress().getPort())
                .toList(),
            "",
            "",
            271);
    HazelcastInstance client =
        HazelcastClient.newHazelcastClient(ClusterMember.clientConfig(external));
    try {
      // Connected (as the readiness check "cluster" waits for) to all three members.
      await()
          .atMost(Duration.ofSeconds(20))
          .ignoreExceptions()
          .until(
              () ->
                  client.getMap(HazelcastRateLimitStore.mapName(EXACT.name())).get("warm-up")
                          == null
                      && client.getCluster().getMembers().size() == 3);
      // The first round trip of a fresh client to each member waits for its connection to that
      // member (about 5 s here): warm every owner up, as a client-mode gateway would in service.
      for (HazelcastInstance member : members) {
        String key = keyOwnedBy(member);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    client
                            .<String, java.io.Serializable>getMap(
                                HazelcastRateLimitStore.mapName(EXACT.name()))
                            .submitToKey(
                                key, LimitProcessor.refund(PolicyLimiter.algorithm(EXACT), 0, 0, 0))
                            .toCompletableFuture()
                            .get(1, TimeUnit.SECONDS)
                        != null);
      }
      ManualClock clock = ManualClock.at2025();
      List<HazelcastInstance> mixed = List.of(members.get(0), client);
      Run run = run(gateways(mixed, clock), 150, i -> "mixed", EXACT.name(), () -> {});
      assertThat(run.failedOtherwise.get()).isZero();
      assertThat(run.admitted.get()).isEqualTo(100);
    } finally {
      client.shutdown();
    }
  }

  private static List<HazelcastInstance> startCluster(int size) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      ports.add(FreePorts.next());
    }
    String name = "test-" + UUID.randomUUID();
    List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    List<HazelcastInstance> started = new ArrayList<>();
    try {
      for (int port : ports) {
        ClusterConfig config = new ClusterConfig(name, "127.0.0.1", port, addresses, 11);
        started.add(
            Hazelcast.newHazelcastInstance(ClusterMember.hazelcastConfig(config, POLICIES)));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> started.get(0).getCluster().getMembers().size() == size);
      return started;
    } catch (RuntimeException | Error e) {
      started.forEach(member -> member.getLifecycleService().terminate());
      throw e;
    }
  }

  private static String keyOwnedBy(HazelcastInstance owner) {
    for (int i = 0; ; i++) {
      String key = "client-" + i;
      var partition = owner.getPartitionService().getPartition(key);
      if (owner.getCluster().getLocalMember().equals(partition.getOwner())) {
        return key;
      }
    }
  }

  private record Gateway(RateLimiter limiter, MeterRegistry registry) {}

  private static List<Gateway> gateways(List<HazelcastInstance> instances, ManualClock clock) {
    List<Gateway> gateways = new ArrayList<>();
    for (HazelcastInstance instance : instances) {
      MeterRegistry registry = new SimpleMeterRegistry();
      gateways.add(
          new Gateway(
              new RateLimiter(
                  POLICIES,
                  RateLimitStore.hazelcast(vertx, () -> Optional.of(instance)),
                  vertx,
                  clock,
                  registry),
              registry));
    }
    return gateways;
  }

  private static long storeCalls(MeterRegistry registry) {
    return registry
        .get("edge_ratelimit_store_latency")
        .tag("policy", LEASED.name())
        .timer()
        .count();
  }

  /** What a run of concurrent clients saw. */
  private static final class Run {
    final AtomicInteger admitted = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    final AtomicInteger failedOtherwise = new AtomicInteger();
  }

  /** {@code requests} spread round robin over the gateways by six concurrent clients. */
  private static Run run(
      List<Gateway> gateways, int requests, IntFunction<String> key, String policy, Runnable after)
      throws Exception {
    Run run = new Run();
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      done.add(
          clients.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                  try {
                    if (admit(gateways.get(i % gateways.size()).limiter, policy, key.apply(i))) {
                      run.admitted.incrementAndGet();
                    } else {
                      run.rejected.incrementAndGet();
                    }
                  } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ClusterRateLimitTest.class).warn("failed", e);
                    run.failedOtherwise.incrementAndGet();
                  }
                  after.run();
                }
                return null;
              }));
    }
    for (Future<?> client : done) {
      client.get(60, TimeUnit.SECONDS);
    }
    return run;
  }

  /** True when admitted, false on 429; anything else (such as a 503) throws. */
  private static boolean admit(RateLimiter limiter, String policy, String key) throws Exception {
    try {
      limiter
          .admit(List.of(policy), k -> key)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof EdgeFailure failure
          && failure.kind() == FailureKind.RATE_LIMITED) {
        return false;
      }
      throw new IllegalStateException("request failed", e.getCause());
    }
  }
}
