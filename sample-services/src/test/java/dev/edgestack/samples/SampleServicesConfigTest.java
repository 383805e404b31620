package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.RunningInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SampleServicesConfigTest {
  private static final Path SHIPPED = Path.of("..", "config", "services");

  @TempDir Path temporary;

  private static SampleServiceConfig read(String yaml) {
    return SampleServiceConfig.from(Instances.parse(yaml));
  }

  @Test
  void unknownServiceIsAConfigErrorNamingTheFileAndKey() {
    assertThatThrownBy(() -> read(Instances.yaml("billing", "")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: service: \"billing\"")
        .hasMessageContaining("accounts, transactions, rates, issuer");
  }

  @Test
  void missingServiceIsAConfigError() {
    String yaml = Instances.yaml("accounts", "").replace("service: accounts\n", "");

    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: service: missing");
  }

  @Test
  void anIssuerSectionInAnotherServiceIsAnUnknownKey() {
    assertThatThrownBy(() -> read(Instances.yaml("accounts", "issuer:\n  issuer: x\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: issuer: unknown key");
  }

  @Test
  void aFaultSeedMustBeAnInteger() {
    assertThatThrownBy(() -> read(Instances.yaml("rates", "faults:\n  seed: lucky\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: faults.seed: \"lucky\"");
  }

  @Test
  void aFaultSeedIsOptional() {
    assertThat(read(Instances.yaml("rates", "")).faultSeed()).isEmpty();
    assertThat(read(Instances.yaml("rates", "faults:\n  seed: 7\n")).faultSeed()).hasValue(7);
  }

  @Test
  void theIssuerNeedsItsAudience() {
    String yaml =
        Instances.yaml(
            "issuer", "issuer:\n  issuer: https://x\n  signingKeyFile: k.pem\n  defaultTtl: 1h\n");

    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: issuer.audience: missing");
  }

  @Test
  void theIssuersDefaultTtlIsBounded() {
    String yaml =
        Instances.yaml(
            "issuer",
            "issuer:\n  issuer: https://x\n  audience: a\n  signingKeyFile: k.pem\n"
                + "  defaultTtl: 2d\n");

    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: issuer.defaultTtl: \"2d\"");
  }

  @Test
  void theIssuersKeysAreChecked() {
    String yaml =
        Instances.yaml(
            "issuer",
            "issuer:\n  issuer: https://x\n  audience: a\n  signingKeyFile: k.pem\n"
                + "  defaultTtl: 1h\n  algorithm: RS256\n");

    assertThatThrownBy(() -> read(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("test.yaml: issuer.algorithm: unknown key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"accounts", "transactions", "rates", "issuer"})
  void theShippedFilesStart(String service) throws Exception {
    Path file = SHIPPED.resolve(service + ".yaml");
    var config =
        ConfigLoader.withVariables(
                Map.of(
                    "EDGE_HTTP_PORT", "0",
                    "EDGE_ADMIN_PORT", "0",
                    "ISSUER_KEY_FILE", temporary.resolve("key.pem").toString()))
            .load(file);

    RunningInstance running = Instances.start(config);
    try {
      assertThat(Instances.get(running.adminPort(), "/health/ready").statusCode()).isEqualTo(200);
      assertThat(Instances.get(running.adminPort(), FaultAdmin.PATH).statusCode()).isEqualTo(200);
    } finally {
      Instances.close(running);
    }
  }

  @Test
  void theRoleFollowsTheService() throws Exception {
    Path issuer = temporary.resolve("issuer.yaml");
    Files.writeString(
        issuer,
        "service: issuer\nissuer: {issuer: i, audience: a, signingKeyFile: k.pem, defaultTtl: 1h}\n");
    Path accounts = temporary.resolve("accounts.yaml");
    Files.writeString(accounts, "service: accounts\n");

    assertThat(SampleServices.roleFor(new String[] {"--config", issuer.toString()}))
        .hasValue("issuer");
    assertThat(SampleServices.roleFor(new String[] {"--config", accounts.toString()}))
        .hasValue("service");
    assertThat(SampleServices.roleFor(new String[] {})).isEmpty();
    assertThatThrownBy(
            () -> SampleServices.roleFor(new String[] {"--config", temporary + "/missing.yaml"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing.yaml: file not found");
  }
}
