package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopologyTest {
  @TempDir Path folder;
  private Path home;

  @BeforeEach
  void copyProject() throws IOException {
    home = TestHomes.copyOfProject(folder.resolve("home"));
  }

  private StackPlan plan(String name) {
    Topology topology = Topology.load(Topology.file(home, name), home);
    return StackPlan.of(topology, home, home.resolve("run"), PortAssignment.fixed());
  }

  @Test
  void hybridExpandsReplicasInFileOrder() {
    StackPlan plan = plan("hybrid");

    assertThat(plan.instances())
        .extracting(Instance::name)
        .containsExactly(
            "issuer",
            "accounts-1",
            "accounts-2",
            "transactions-1",
            "transactions-2",
            "rates-1",
            "rates-2",
            "internal-lb",
            "gateway-1",
            "gateway-2",
            "gateway-3",
            "edge-lb");
    assertThat(plan.entry()).isEqualTo("edge-lb");
  }

  @Test
  void replicaPortsAreTheTemplatePortsPlusIndexMinusOne() {
    StackPlan plan = plan("hybrid");

    assertThat(plan.instance("gateway-1").orElseThrow().ports())
        .containsExactly(
            java.util.Map.entry("http", 8101),
            java.util.Map.entry("admin", 9101),
            java.util.Map.entry("cluster", 5701));
    assertThat(plan.instance("gateway-3").orElseThrow().ports())
        .containsEntry("http", 8103)
        .containsEntry("admin", 9103)
        .containsEntry("cluster", 5703);
    assertThat(plan.instance("accounts-2").orElseThrow().ports())
        .containsEntry("http", 8202)
        .containsEntry("admin", 9202);
    assertThat(plan.instance("issuer").orElseThrow().ports())
        .containsEntry("http", 8090)
        .containsEntry("admin", 9090);
  }

  @Test
  void hybridEnvReferencesExpandToEveryReplica() {
    StackPlan plan = plan("hybrid");
    Instance edge = plan.instance("edge-lb").orElseThrow();
    Instance gateway = plan.instance("gateway-2").orElseThrow();
    Instance internal = plan.instance("internal-lb").orElseThrow();

    assertThat(edge.env())
        .containsEntry(
            "GATEWAY_ENDPOINTS", "127.0.0.1:8101@9101,127.0.0.1:8102@9102,127.0.0.1:8103@9103");
    assertThat(gateway.env())
        .containsEntry("CLUSTER_MEMBERS", "127.0.0.1:5701,127.0.0.1:5702,127.0.0.1:5703")
        .containsEntry("JWKS_URL", "http://127.0.0.1:8090/.well-known/jwks.json")
        .containsEntry("ACCOUNTS_ENDPOINTS", "127.0.0.1:8081@9081")
        .containsEntry("TRUSTED_PROXIES", "127.0.0.1/32");
    assertThat(internal.env())
        .containsEntry("ACCOUNTS_ENDPOINTS", "127.0.0.1:8201@9201,127.0.0.1:8202@9202")
        .containsEntry("RATES_ENDPOINTS", "127.0.0.1:8221@9221,127.0.0.1:8222@9222");
  }

  @Test
  void everyInstanceGetsItsShareOfTheCoresAsEventLoops() {
    StackPlan plan = plan("hybrid");
    String share = Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 12));

    assertThat(plan.instances())
        .allSatisfy(
            instance -> assertThat(instance.env()).containsEntry("EDGE_EVENT_LOOPS", share));
    assertThat(StackPlanner.eventLoopsPerInstance(2, 12)).isEqualTo(1);
    assertThat(StackPlanner.eventLoopsPerInstance(32, 12)).isEqualTo(2);
    assertThat(StackPlanner.eventLoopsPerInstance(64, 3)).isEqualTo(21);
    assertThat(StackPlanner.eventLoopsPerInstance(8, 0)).isEqualTo(8);
  }

  @Test
  void anEventLoopCountInTheLaunchersEnvironmentIsPassedOn() {
    assertThat(StackPlanner.eventLoops(java.util.Map.of("EDGE_EVENT_LOOPS", "4"), 2, 12))
        .isEqualTo("4");
    assertThat(StackPlanner.eventLoops(java.util.Map.of("EDGE_EVENT_LOOPS", " "), 2, 12))
        .isEqualTo("1");
    assertThat(StackPlanner.eventLoops(java.util.Map.of(), 32, 12)).isEqualTo("2");
  }

  @Test
  void everyInstanceGetsItsIdentityPortsAndKeyFile() {
    StackPlan plan = plan("hybrid");
    Instance gateway = plan.instance("gateway-3").orElseThrow();

    assertThat(gateway.env())
        .containsEntry("EDGE_INSTANCE", "gateway-3")
        .containsEntry("EDGE_BIND", "127.0.0.1")
        .containsEntry("EDGE_HTTP_PORT", "8103")
        .containsEntry("EDGE_ADMIN_PORT", "9103")
        .containsEntry("EDGE_CLUSTER_PORT", "5703")
        .containsEntry(
            "ISSUER_KEY_FILE", home.resolve("run/keys/issuer-key.pem").toAbsolutePath().toString());
    assertThat(gateway.group()).isEqualTo("gateway");
    assertThat(gateway.replica()).isEqualTo(3);
    assertThat(gateway.staggered()).isTrue();
    assertThat(gateway.phase()).isEqualTo(2);
    assertThat(gateway.log()).isEqualTo(home.resolve("run/logs/gateway-3.log").toAbsolutePath());
  }

  @Test
  void commandRunsTheRolesJarWithTheHazelcastFlagsAndItsConfig() {
    StackPlan plan = plan("hybrid");
    List<String> command = plan.instance("gateway-1").orElseThrow().command();
    Path absoluteHome = home.toAbsolutePath();

    assertThat(Path.of(command.get(0))).endsWith(Path.of("bin", "java"));
    assertThat(command)
        .containsSubsequence(
            "-XX:+UseSerialGC",
            "-Xss512k",
            "-Xmx256m",
            "-Dhazelcast.phone.home.enabled=false",
            "-Dhazelcast.logging.type=slf4j",
            "--add-modules",
            "java.se",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED")
        .endsWith(
            "-jar",
            absoluteHome.resolve("api-gateway/target/api-gateway.jar").toString(),
            "--config",
            absoluteHome.resolve("config/api-gateway.yaml").toString());
    assertThat(plan.instance("accounts-1").orElseThrow().command())
        .contains(absoluteHome.resolve("sample-services/target/sample-services.jar").toString());
    assertThat(plan.instance("issuer").orElseThrow().service()).isEmpty();
    assertThat(plan.instance("rates-2").orElseThrow().service()).contains(SampleService.RATES);
    assertThat(plan.instance("edge-lb").orElseThrow().role()).isEqualTo(Role.EDGE_LB);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hybrid", "lb-gateway", "gateway-lb"})
  void clientsCallTheEntryOn8080WithAdminOn9080(String name) {
    StackPlan plan = plan(name);
    Instance entry = plan.instance(plan.entry()).orElseThrow();

    assertThat(entry.httpPort()).isEqualTo(8080);
    assertThat(entry.adminPort()).isEqualTo(9080);
  }

  @Test
  void gatewayLbHasOneGatewayInFrontOfTheInternalBalancer() {
    StackPlan plan = plan("gateway-lb");
    Instance gateway = plan.instance("gateway").orElseThrow();

    assertThat(plan.entry()).isEqualTo("gateway");
    assertThat(gateway.env())
        .containsEntry("CLUSTER_MEMBERS", "127.0.0.1:5701")
        .doesNotContainKey("TRUSTED_PROXIES")
        .containsEntry("RATES_ENDPOINTS", "127.0.0.1:8081@9081");
  }

  @Test
  void lbGatewayGatewaysBalanceOverTheServiceReplicasThemselves() {
    StackPlan plan = plan("lb-gateway");

    assertThat(plan.instances()).extracting(Instance::name).doesNotContain("internal-lb");
    assertThat(plan.instance("gateway-1").orElseThrow().env())
        .containsEntry("TRANSACTIONS_ENDPOINTS", "127.0.0.1:8211@9211,127.0.0.1:8212@9212");
  }

  @Test
  void ephemeralPortsAreDistinctAndReferencesFollowThem() {
    Topology topology = Topology.load(Topology.file(home, "hybrid"), home);
    StackPlan plan = StackPlan.of(topology, home, home.resolve("run"), PortAssignment.ephemeral());

    List<Integer> ports =
        plan.instances().stream().flatMap(instance -> instance.ports().values().stream()).toList();
    // http and admin for 12 instances, 3 Hazelcast ports and the edge-lb's TLS port.
    assertThat(ports).hasSize(12 * 2 + 3 + 1).doesNotHaveDuplicates();
    Instance edge = plan.instance("edge-lb").orElseThrow();
    String expected =
        plan.instances().stream()
            .filter(instance -> instance.group().equals("gateway"))
            .map(gateway -> "127.0.0.1:" + gateway.httpPort() + "@" + gateway.adminPort())
            .reduce((left, right) -> left + "," + right)
            .orElseThrow();
    assertThat(edge.env()).containsEntry("GATEWAY_ENDPOINTS", expected);
    assertThat(edge.env()).containsEntry("EDGE_HTTP_PORT", Integer.toString(edge.httpPort()));
    assertThat(edge.env())
        .containsEntry("EDGE_TLS_PORT", Integer.toString(edge.ports().get("tls")));
    Instance issuer = plan.instance("issuer").orElseThrow();
    assertThat(plan.instance("gateway-1").orElseThrow().env())
        .containsEntry(
            "JWKS_URL", "http://127.0.0.1:" + issuer.httpPort() + "/.well-known/jwks.json");
  }
}
