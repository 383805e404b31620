package dev.edgestack.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgestack.runtime.config.ConfigException;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IssuerApiTest {
  @TempDir static Path keys;
  private static Path keyFile;
  private static RunningInstance issuer;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    keyFile = keys.resolve("nested/issuer-key.pem");
    issuer = Instances.start(issuerYaml(keyFile));
    port = issuer.httpPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Instances.close(issuer);
  }

  static String issuerYaml(Path keyFile) {
    return Instances.yaml(
        "issuer",
        "issuer:\n"
            + "  issuer: https://issuer.test\n"
            + "  audience: test-api\n"
            + "  signingKeyFile: "
            + keyFile
            + "\n"
            + "  defaultTtl: 1h\n");
  }

  @Test
  void createsTheKeyFileAndIsReadyOnceLoaded() throws Exception {
    assertThat(keyFile).exists();
    HttpResponse<String> ready = Instances.get(issuer.adminPort(), "/health/ready");

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("signing-key");
  }

  @Test
  void publishesItsPublicKeyAsACacheableJwks() throws Exception {
    HttpResponse<String> response = Instances.get(port, IssuerApi.JWKS_PATH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=300");
    assertThat(response.headers().firstValue("X-Served-By")).hasValue("issuer-test");
    JsonObject jwks = new JsonObject(response.body());
    assertThat(jwks.fieldNames()).containsExactly("keys");
    assertThat(jwks.getJsonArray("keys")).hasSize(1);
    JsonObject jwk = jwks.getJsonArray("keys").getJsonObject(0);
    assertThat(jwk.getString("kty")).isEqualTo("RSA");
    assertThat(jwk.getString("alg")).isEqualTo("RS256");
    assertThat(jwk.getString("use")).isEqualTo("sig");
    assertThat(jwk.getString("kid")).isNotBlank();
    assertThat(jwk.getString("n")).isNotBlank();
    assertThat(jwk.getString("e")).isEqualTo("AQAB");
  }

  @Test
  void issuesDefaultTokensThatVerifyAgainstThePublishedKey() throws Exception {
    JsonObject answer = token("");
    JsonObject jwk =
        new JsonObject(Instances.get(port, IssuerApi.JWKS_PATH).body())
            .getJsonArray("keys")
            .getJsonObject(0);

    assertThat(answer.getString("token_type")).isEqualTo("Bearer");
    assertThat(answer.getLong("expires_in")).isEqualTo(3600L);
    String[] parts = answer.getString("access_token").split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(verifies(parts, jwk)).isTrue();
    JsonObject header = decode(parts[0]);
    assertThat(header.getString("alg")).isEqualTo("RS256");
    assertThat(header.getString("kid")).isEqualTo(jwk.getString("kid"));
    JsonObject claims = decode(parts[1]);
    assertThat(claims.getString("iss")).isEqualTo("https://issuer.test");
    assertThat(claims.getString("aud")).isEqualTo("test-api");
    assertThat(claims.getString("sub")).isEqualTo("alice");
    assertThat(claims.getString("scope")).isEqualTo("accounts:read");
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(3600L);
    assertThat(claims.getLong("nbf")).isEqualTo(claims.getLong("iat"));
    assertThat(claims.getString("jti")).isNotBlank();
  }

  @Test
  void issuesTokensForTheRequestedSubjectScopeAndLifetime() throws Exception {
    JsonObject answer =
        token("{\"sub\": \"bob\", \"scope\": \"accounts:read rates:read\", \"ttl\": 60}");
    JsonObject claims = decode(answer.getString("access_token").split("\\.")[1]);

    assertThat(claims.getString("sub")).isEqualTo("bob");
    assertThat(claims.getString("scope")).isEqualTo("accounts:read rates:read");
    assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(60L);
    assertThat(answer.getLong("expires_in")).isEqualTo(60L);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"subject\": \"bob\"}|subject: unknown field",
        "{\"ttl\": 0}|ttl: 0",
        "{\"ttl\": \"1h\"}|ttl: 1h",
        "{\"sub\": 42}|sub: 42",
        "[1, 2]|not a JSON object",
        "{nope|not valid JSON"
      })
  void rejectsBadTokenRequestsNamingTheField(String body, String detail) throws Exception {
    HttpResponse<String> response = postToken(body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(new JsonObject(response.body()).getString("detail")).contains(detail);
  }

  @Test
  void aSecondIssuerOnTheSameFileSignsWithTheSameKey() throws Exception {
    RunningInstance second = Instances.start(issuerYaml(keyFile));
    try {
      String first = Instances.get(port, IssuerApi.JWKS_PATH).body();
      String again = Instances.get(second.httpPort(), IssuerApi.JWKS_PATH).body();
      assertThat(new JsonObject(again)).isEqualTo(new JsonObject(first));
    } finally {
      Instances.close(second);
    }
  }

  @Test
  void anUnusableKeyFileIsAConfigErrorNamingTheKey() throws Exception {
    Path garbage = keys.resolve("garbage.pem");
    Files.writeString(garbage, "not a key");
    IssuerConfig config =
        SampleServiceConfig.from(Instances.parse(issuerYaml(garbage))).issuer().orElseThrow();
    Vertx vertx = Vertx.vertx();
    try {
      Future<?> loading = IssuerApi.loadKey(vertx, config);

      assertThatThrownBy(() -> Instances.get(loading))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("test.yaml: issuer.signingKeyFile: ")
          .hasMessageContaining("garbage.pem");
    } finally {
      Instances.get(vertx.close());
    }
  }

  private static JsonObject token(String body) throws Exception {
    HttpResponse<String> response = postToken(body);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    return new JsonObject(response.body());
  }

  private static HttpResponse<String> postToken(String body) throws Exception {
    return Instances.send(
        Instances.request(port, "/token")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static JsonObject decode(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  private static boolean verifies(String[] parts, JsonObject jwk) throws Exception {
    Base64.Decoder url = Base64.getUrlDecoder();
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, url.decode(jwk.getString("n"))),
                    new BigInteger(1, url.decode(jwk.getString("e")))));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(key);
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    return signature.verify(url.decode(parts[2]));
  }
}
