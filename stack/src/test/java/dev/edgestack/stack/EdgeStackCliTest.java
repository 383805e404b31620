package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeStackCliTest {
  @TempDir Path folder;
  private Path home;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void copyProject() throws IOException {
    home = TestHomes.copyOfProject(folder.resolve("home"));
  }

  private int run(String... args) {
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

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void unknownCommandPrintsUsageAndExits2() {
    assertThat(run("launch")).isEqualTo(2);
    assertThat(err()).contains("unknown command: launch").contains("Usage: edge-stack");
  }

  @Test
  void unknownOptionPrintsUsageAndExits2() {
    assertThat(run("up", "--fast")).isEqualTo(2);
    assertThat(err()).contains("unknown option --fast for up").contains("Usage:");
    assertThat(run("status", "--detach")).isEqualTo(2);
    assertThat(run("stop")).isEqualTo(2);
    assertThat(run("token", "--ttl", "soon")).isEqualTo(2);
    assertThat(run("token", "--claims", "[1]")).isEqualTo(2);
  }

  @Test
  void helpPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out()).contains("up [--topology NAME|FILE] [--detach]");
  }

  @Test
  void tokenPrintsOnlyASignedTokenWithTheMergedClaims() throws Exception {
    int status =
        run(
            "token",
            "--sub",
            "bob",
            "--scope",
            "accounts:read rates:read",
            "--ttl",
            "60",
            "--claims",
            "{\"aud\": \"other\", \"jti\": null}");

    assertThat(status).as(err()).isZero();
    String token = out().trim();
    assertThat(token.split("\\.")).hasSize(3);
    JsonNode payload = DemoTokensTest.decode(token.split("\\.")[1]);
    assertThat(payload.get("sub").asText()).isEqualTo("bob");
    assertThat(payload.get("scope").asText()).isEqualTo("accounts:read rates:read");
    assertThat(payload.get("aud").asText()).isEqualTo("other");
    assertThat(payload.has("jti")).isFalse();
    assertThat(payload.get("exp").asLong() - payload.get("iat").asLong()).isEqualTo(60);
    Map<String, Object> jwk = DemoTokens.forStack(home, home.resolve("run")).publicJwk();
    assertThat(DemoTokensTest.verify(jwk, token.split("\\."))).isTrue();
  }

  @Test
  void statusWithoutAStackIsAnEmptyArray() {
    assertThat(run("status", "--json")).isZero();
    assertThat(out().trim()).isEqualTo("[ ]");
  }

  @Test
  void commandsOnAnInstanceWithoutAStackFailWithOneLine() {
    assertThat(run("stop", "gateway-1")).isEqualTo(1);
    assertThat(err()).startsWith("edge-stack: no stack is running here").doesNotContain("\tat ");
  }

  @Test
  void upNamesAnUnknownTopology() {
    assertThat(run("up", "--topology", "mesh")).isEqualTo(1);
    assertThat(err()).contains("no topology mesh").contains("gateway-lb, hybrid, lb-gateway");
  }

  @Test
  void upRefusesWhenTheJarsAreMissing() {
    assertThat(run("up", "--ephemeral-ports", "--detach")).isEqualTo(1);
    assertThat(err()).contains("sample-services.jar is missing");
  }
}
