package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyValidationTest {
  private static final String ISSUER =
      """
        - name: issuer
          role: issuer
          config: config/issuer.yaml
          ports: {http: 8090, admin: 9090}
      """;
  private static final String ACCOUNTS =
      """
        - name: accounts
          role: service
          service: accounts
          replicas: 2
          config: config/accounts.yaml
          ports: {http: 8201, admin: 9201}
      """;

  @TempDir Path home;
  private Path file;

  @BeforeEach
  void createConfigs() throws IOException {
    Files.createDirectories(home.resolve("config"));
    Files.writeString(home.resolve("config/issuer.yaml"), "");
    Files.writeString(home.resolve("config/accounts.yaml"), "");
    file = home.resolve("topology.yaml");
  }

  private void load(String instances) throws IOException {
    load("issuer", instances);
  }

  private void load(String entry, String instances) throws IOException {
    Files.writeString(file, "name: test\nentry: " + entry + "\ninstances:\n" + instances);
    Topology.load(file, home);
  }

  @Test
  void acceptsAValidFile() throws IOException {
    load(ISSUER + ACCOUNTS);
  }

  @Test
  void aTopologysOwnEventLoopCountWinsOverTheLaunchersShare() throws IOException {
    Files.writeString(
        file,
        "name: test\nentry: issuer\ninstances:\n"
            + ISSUER
            + ACCOUNTS.replace(
                "    ports: {http: 8201, admin: 9201}\n",
                "    ports: {http: 8201, admin: 9201}\n    env: {EDGE_EVENT_LOOPS: \"3\"}\n"));
    StackPlan plan =
        StackPlan.of(Topology.load(file, home), home, home.resolve("run"), PortAssignment.fixed());

    assertThat(plan.instance("accounts-2").orElseThrow().env())
        .containsEntry("EDGE_EVENT_LOOPS", "3");
    assertThat(plan.instance("issuer").orElseThrow().env())
        .containsEntry(
            "EDGE_EVENT_LOOPS",
            Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() / 3)));
  }

  @Test
  void rejectsAnUnknownRole() {
    assertThatThrownBy(() -> load(ISSUER.replace("role: issuer", "role: cache")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("instances[0].role: \"cache\"")
        .hasMessageContaining("edge-lb, gateway, internal-lb, service, issuer");
  }

  @Test
  void rejectsAnUnknownKey() {
    assertThatThrownBy(() -> load(ISSUER + "    replica: 2\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("instances[0].replica: unknown key");
  }

  @Test
  void rejectsAnUnknownTopLevelKey() {
    assertThatThrownBy(
            () -> {
              Files.writeString(
                  file, "name: test\nentry: issuer\nphases: 3\ninstances:\n" + ISSUER);
              Topology.load(file, home);
            })
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ": phases: unknown key");
  }

  @Test
  void requiresTheServiceOfAServiceInstance() {
    assertThatThrownBy(() -> load(ISSUER + ACCOUNTS.replace("    service: accounts\n", "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("instances[1].service: missing")
        .hasMessageContaining("accounts, transactions, rates");
  }

  @Test
  void rejectsAServiceOnOtherRoles() {
    assertThatThrownBy(() -> load(ISSUER + "    service: accounts\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].service: \"accounts\"");
  }

  @Test
  void rejectsAPortThatAnotherReplicaGets() {
    // accounts-2 gets 8202, which the issuer already uses.
    assertThatThrownBy(() -> load(ISSUER.replace("8090", "8202") + ACCOUNTS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("instances[1].ports.http: \"8201\"")
        .hasMessageContaining("accounts-2 would get 8202");
  }

  @Test
  void requiresHttpAndAdminPorts() {
    assertThatThrownBy(() -> load(ISSUER.replace(", admin: 9090", "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].ports.admin: missing");
  }

  @Test
  void rejectsAReferenceToAnUnknownTemplate() {
    assertThatThrownBy(() -> load(ISSUER + "    env: {PEERS: \"{gateway.http}\"}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("instances[0].env.PEERS: {gateway.http} names no template");
  }

  @Test
  void rejectsAReferenceToAnUnknownPort() {
    assertThatThrownBy(() -> load(ISSUER + "    env: {PEERS: \"{issuer.cluster}\"}\n" + ACCOUNTS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].env.PEERS: {issuer.cluster} names no port of issuer");
    assertThatThrownBy(
            () ->
                load(ISSUER + "    env: {PEERS: \"http://{accounts.http@health}/x\"}\n" + ACCOUNTS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].env.PEERS: {accounts.http@health} names no port");
  }

  @Test
  void rejectsVariablesTheLauncherSets() {
    assertThatThrownBy(() -> load(ISSUER + "    env: {EDGE_HTTP_PORT: \"1\"}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].env.EDGE_HTTP_PORT");
  }

  @Test
  void rejectsAMissingConfigFile() {
    assertThatThrownBy(() -> load(ISSUER.replace("config/issuer.yaml", "config/nothing.yaml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("instances[0].config: \"config/nothing.yaml\"")
        .hasMessageContaining("an existing file");
  }

  @Test
  void rejectsAnEntryThatNamesNoTemplate() {
    assertThatThrownBy(() -> load("edge-lb", ISSUER))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ": entry: \"edge-lb\"")
        .hasMessageContaining("the name of a template: issuer");
  }

  @Test
  void rejectsDuplicateNames() {
    assertThatThrownBy(() -> load(ISSUER + ISSUER.replace("8090", "8091").replace("9090", "9091")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[1].name: \"issuer\"");
  }

  @Test
  void rejectsATemplateNamedLikeAnotherTemplatesReplica() {
    String clash =
        ISSUER
            .replace("name: issuer", "name: accounts-2")
            .replace("8090", "8300")
            .replace("9090", "9300");
    assertThatThrownBy(() -> load("accounts-2", ACCOUNTS + clash))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[1].name: \"accounts-2\"");
  }

  @Test
  void rejectsBadReplicaCountsAndPhases() {
    assertThatThrownBy(() -> load(ISSUER + "    replicas: 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].replicas: \"0\"");
    assertThatThrownBy(() -> load(ISSUER + "    phase: first\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("instances[0].phase: \"first\"");
  }
}
