package dev.edgestack.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import dev.edgestack.gateway.config.ClusterConfig;
import dev.edgestack.gateway.config.RateLimitConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Hazelcast configs of each deployment mode, without starting anything. */
class ClusterMemberTest {
  private static final RateLimitConfig POLICY = RateLimitConfig.of("p", 60, Duration.ofMinutes(1));
  // A client of an external cluster of one listed member.
  private static final ClusterConfig CLIENT =
      new ClusterConfig(
          ClusterConfig.Mode.CLIENT,
          "c",
          "",
          0,
          ClusterConfig.Discovery.TCP_IP,
          List.of("10.0.0.1:5701"),
          "",
          "",
          271);

  @Test
  void embeddedJoinsTheListedMembersOverTcpIpOnlyAndKeepsOneBackup() {
    Config config =
        ClusterMember.hazelcastConfig(
            new ClusterConfig("c", "127.0.0.1", 5701, List.of("127.0.0.1:5701"), 11),
            List.of(POLICY));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701");
    var map = config.getMapConfig(HazelcastRateLimitStore.mapName("p"));
    assertThat(map.getBackupCount()).isEqualTo(1);
    assertThat(map.getMaxIdleSeconds()).isEqualTo(120);
  }

  @Test
  void theProcessorTravelsAsIdentifiedDataWithoutItsClassName() throws Exception {
    Config config =
        ClusterMember.hazelcastConfig(
            new ClusterConfig("c", "127.0.0.1", 5701, List.of("127.0.0.1:5701"), 11),
            List.of(POLICY));
    InternalSerializationService serialization =
        new DefaultSerializationServiceBuilder().setConfig(config.getSerializationConfig()).build();
    LimitAlgorithm gcra = PolicyLimiter.algorithm(POLICY);

    Data data = serialization.toData(LimitProcessor.acquireEach(gcra, 5_000_000, 1, 3));
    LimitProcessor read = serialization.toObject(data);

    assertThat(new String(data.toByteArray(), StandardCharsets.ISO_8859_1))
        .doesNotContain("LimitProcessor");
    // The copy decides as the original would: three requests against a full bucket of 60.
    Admissions admitted =
        Admissions.fromWire(read.process(new AbstractMap.SimpleEntry<>("key", null)), 3);
    assertThat(admitted.admitted()).isEqualTo(3);
    assertThat(admitted.lastAdmitted().remaining()).isEqualTo(57);
  }

  @Test
  void aClientRegistersTheProcessorFactoryToo() {
    assertThat(
            ClusterMember.clientConfig(CLIENT)
                .getSerializationConfig()
                .getDataSerializableFactories())
        .containsKey(LimitProcessor.FACTORY_ID);
  }

  @Test
  void neitherAMemberNorAClientCollectsHazelcastsOwnMetrics() {
    assertThat(
            ClusterMember.hazelcastConfig(
                    new ClusterConfig("c", "127.0.0.1", 5701, List.of("127.0.0.1:5701"), 11),
                    List.of(POLICY))
                .getMetricsConfig()
                .isEnabled())
        .isFalse();
    assertThat(ClusterMember.clientConfig(CLIENT).getMetricsConfig().isEnabled()).isFalse();
  }

  @Test
  void dnsDiscoveryListsEveryAddressOfTheName() throws Exception {
    assertThat(ClusterMember.resolve("localhost", 5701)).contains("127.0.0.1:5701");
  }

  @Test
  void kubernetesDiscoveryUsesTheServiceDnsAndNeverMulticast() {
    ClusterConfig cluster =
        new ClusterConfig(
            ClusterConfig.Mode.EMBEDDED,
            "c",
            "0.0.0.0",
            5701,
            ClusterConfig.Discovery.KUBERNETES,
            List.of(),
            "",
            "gateway-hz.edge.svc.cluster.local",
            271);

    JoinConfig join =
        ClusterMember.hazelcastConfig(cluster, List.of(POLICY)).getNetworkConfig().getJoin();

    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("gateway-hz.edge.svc.cluster.local");
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
  }

  @Test
  void clientModeConnectsToTheListedMembersOnly() {
    var config = ClusterMember.clientConfig(CLIENT);

    assertThat(config.getNetworkConfig().getAddresses()).containsExactly("10.0.0.1:5701");
    assertThat(config.getNetworkConfig().getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getClusterName()).isEqualTo("c");
  }
}
