package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line over real processes: every deployable jar is a tiny health server here. */
class EdgeStackCliProcessTest {
  private static final String TOPOLOGY =
      """
      name: small
      entry: edge
      instances:
        - name: issuer
          role: issuer
          config: config/services/issuer.yaml
          ports: {http: 8090, admin: 9090}
        - name: rates
          role: service
          service: rates
          replicas: 2
          staggered: true
          config: config/services/rates.yaml
          ports: {http: 8221, admin: 9221}
        - name: edge
          role: edge-lb
          phase: 2
          config: config/edge-lb.yaml
          ports: {http: 8080, admin: 9080}
          env:
            GATEWAY_ENDPOINTS: "{rates.http@admin}"
      """;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;
  private Path home;
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeEach
  void fakeDeployables() throws IOException {
    home = TestHomes.copyOfProject(folder.resolve("home"));
    Path classes = Files.createDirectories(folder.resolve("classes"));
    TinyServer.compile(classes);
    for (String module : List.of("edge-lb", "api-gateway", "internal-lb", "sample-services")) {
      TinyServer.jar(classes, JavaCommand.jar(home, module));
    }
    Files.writeString(home.resolve("small.yaml"), TOPOLOGY);
  }

  @AfterEach
  void stopEverything() {
    // Also when an assertion failed: nothing this test started may outlive it.
    run("down");
  }

  private int run(String... args) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    return EdgeStackCli.run(
        all.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of());
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private JsonNode status() throws IOException {
    assertThat(run("status", "--json")).isZero();
    return JSON.readTree(out());
  }

  private static JsonNode item(JsonNode status, String name) {
    for (JsonNode item : status) {
      if (item.get("name").asText().equals(name)) {
        return item;
      }
    }
    throw new AssertionError("no " + name + " in " + status);
  }

  @Test
  void upStatusStopStartDown() throws IOException {
    assertThat(
            run(
                "up",
                "--topology",
                "small.yaml",
                "--detach",
                "--ephemeral-ports",
                "--ready-timeout",
                "20"))
        .as(() -> err.toString(StandardCharsets.UTF_8))
        .isZero();
    assertThat(out()).contains("small: 4 instances ready in").contains("rates-2");
    // Detached instances must outlive this launcher.
    assertThat(home.resolve("run/logs/rates-1.log")).content().contains("parent pid null");

    JsonNode status = status();
    assertThat(status).hasSize(4);
    assertThat(status).allSatisfy(item -> assertThat(item.get("ready").asBoolean()).isTrue());
    JsonNode rates = item(status, "rates-1");
    assertThat(rates.get("role").asText()).isEqualTo("service");
    assertThat(rates.get("service").asText()).isEqualTo("rates");
    assertThat(rates.get("ports").get("http").asInt()).isPositive();
    assertThat(item(status, "issuer").get("service").isNull()).isTrue();
    long firstPid = rates.get("pid").asLong();

    assertThat(run("stop", "rates-1")).isZero();
    assertThat(out()).contains("stopped rates-1");
    assertThat(item(status(), "rates-1").get("alive").asBoolean()).isFalse();

    assertThat(run("start", "rates-1", "--ready-timeout", "20")).isZero();
    JsonNode restarted = item(status(), "rates-1");
    assertThat(restarted.get("ready").asBoolean()).isTrue();
    assertThat(restarted.get("pid").asLong()).isNotEqualTo(firstPid);

    assertThat(run("kill", "edge")).isZero();
    assertThat(out()).contains("killed edge");

    List<Long> pids = new ArrayList<>();
    status().forEach(item -> pids.add(item.get("pid").asLong()));
    assertThat(run("down")).isZero();
    assertThat(out()).contains("stopped 3 instance(s) of small");
    assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
    assertThat(home.resolve("run/state.json")).doesNotExist();
    assertThat(status()).isEmpty();
  }
}
