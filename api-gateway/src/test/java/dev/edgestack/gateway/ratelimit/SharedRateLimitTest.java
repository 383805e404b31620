package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import dev.edgestack.gateway.config.RateLimitKey;
import dev.edgestack.gateway.config.StoreFailurePolicy;
import dev.edgestack.gateway.testing.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two embedded members in this JVM on loopback, joined over TCP-IP: one limit for both. */
class SharedRateLimitTest {
  private static final RateLimitConfig POLICY =
      new RateLimitConfig(
          "rates-per-client",
          RateLimitKey.CLIENT_ADDRESS,
          60,
          Duration.ofMinutes(1),
          60,
          Duration.ofSeconds(2),
          StoreFailurePolicy.FAIL_CLOSED);

  private static final List<HazelcastInstance> members = new ArrayList<>();
  private static Vertx vertx;

  @BeforeAll
  static void startTwoMembers() {
    vertx = Vertx.vertx();
    int first = FreePorts.next();
    int second = FreePorts.next();
    String cluster = "test-" + UUID.randomUUID();
    List<String> addresses = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
    for (int port : List.of(first, second)) {
      ClusterConfig config = new ClusterConfig(cluster, "127.0.0.1", port, addresses, 11);
      members.add(
          Hazelcast.newHazelcastInstance(ClusterMember.hazelcastConfig(config, List.of(POLICY))));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> members.get(0).getCluster().getMembers().size() == 2);
  }

  @AfterAll
  static void stopMembers() throws Exception {
    members.forEach(member -> member.getLifecycleService().terminate());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void gatewaysOnTwoMembersShareOneLimit() throws Exception {
    // Both gateways read the same instant: the test shows sharing, not refill.
    Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    List<RateLimiter> gateways = new ArrayList<>();
    for (HazelcastInstance member : members) {
      gateways.add(
          new RateLimiter(
              List.of(POLICY),
              RateLimitStore.hazelcast(vertx, () -> Optional.of(member)),
              vertx,
              clock,
              new SimpleMeterRegistry()));
    }

    for (int i = 0; i < 60; i++) {
      List<RateLimitStatus> statuses = admit(gateways.get(i % 2));
      assertThat(statuses.get(0).decision()).isEqualTo(RateLimitDecision.ADMITTED);
      assertThat(statuses.get(0).remaining()).isEqualTo(59 - i);
    }

    for (RateLimiter gateway : gateways) {
      ExecutionException rejected = null;
      try {
        admit(gateway);
      } catch (ExecutionException e) {
        rejected = e;
      }
      assertThat(rejected).isNotNull();
      assertThat(rejected.getCause()).hasMessageContaining("rates-per-client");
    }
  }

  @Test
  void mapsKeepOneBackupAndForgetIdleKeys() {
    var mapConfig =
        members.get(1).getConfig().getMapConfig(HazelcastRateLimitStore.mapName(POLICY.name()));

    assertThat(mapConfig.getBackupCount()).isEqualTo(1);
    assertThat(mapConfig.getMaxIdleSeconds()).isEqualTo(120);
    assertThat(
            members
                .get(0)
                .getConfig()
                .getNetworkConfig()
                .getJoin()
                .getMulticastConfig()
                .isEnabled())
        .isFalse();
  }

  private static List<RateLimitStatus> admit(RateLimiter gateway) throws Exception {
    return gateway
        .admit(List.of(POLICY.name()), key -> "203.0.113.7")
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }
}
