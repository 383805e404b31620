package dev.edgestack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTokensTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path folder;
  private Path home;
  private Path runDir;

  @BeforeEach
  void copyProject() throws IOException {
    home = TestHomes.copyOfProject(folder.resolve("home"));
    runDir = folder.resolve("run");
  }

  @Test
  void claimsHaveDefaultsFromTheIssuerConfig() {
    Map<String, Object> claims =
        DemoTokens.forStack(home, runDir)
            .claims("alice", "accounts:read", Duration.ofSeconds(3600), Map.of());

    assertThat(claims)
        .containsKeys("iss", "aud", "sub", "scope", "iat", "nbf", "exp", "jti")
        .containsEntry("iss", "https://issuer.edge-stack.local")
        .containsEntry("aud", "edge-stack-api")
        .containsEntry("sub", "alice")
        .containsEntry("scope", "accounts:read");
    long iat = (Long) claims.get("iat");
    assertThat(claims.get("nbf")).isEqualTo(iat);
    assertThat(claims.get("exp")).isEqualTo(iat + 3600);
    assertThat(iat)
        .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
  }

  @Test
  void overridesReplaceClaimsAndNullRemovesThem() {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("aud", "someone-else");
    overrides.put("exp", 0);
    overrides.put("jti", null);
    overrides.put("tenant", "t1");

    Map<String, Object> claims =
        DemoTokens.forStack(home, runDir).claims("bob", "a b", Duration.ofHours(1), overrides);

    assertThat(claims)
        .containsEntry("aud", "someone-else")
        .containsEntry("exp", 0)
        .containsEntry("tenant", "t1")
        .containsEntry("sub", "bob")
        .containsEntry("scope", "a b")
        .doesNotContainKey("jti")
        .containsKey("iss");
  }

  @Test
  void tokenVerifiesWithThePublicKeyOfTheRunDirKey() throws Exception {
    DemoTokens tokens = DemoTokens.forStack(home, runDir);
    String token = tokens.token("alice", "accounts:read", Duration.ofHours(1), Map.of());

    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    JsonNode header = decode(parts[0]);
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    assertThat(header.get("kid").asText()).isEqualTo(tokens.publicJwk().get("kid"));
    assertThat(decode(parts[1]).get("sub").asText()).isEqualTo("alice");
    assertThat(verify(tokens.publicJwk(), parts)).isTrue();

    // The same run folder means the same key, which the issuer process also uses.
    DemoTokens again = DemoTokens.forStack(home, runDir);
    assertThat(again.publicJwk()).isEqualTo(tokens.publicJwk());
    assertThat(StackPlan.keyFile(runDir)).exists();
  }

  static JsonNode decode(String part) throws IOException {
    return JSON.readTree(Base64.getUrlDecoder().decode(part));
  }

  static boolean verify(Map<String, Object> jwk, String[] parts) throws GeneralSecurityException {
    Base64.Decoder url = Base64.getUrlDecoder();
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, url.decode((String) jwk.get("n"))),
                    new BigInteger(1, url.decode((String) jwk.get("e")))));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(key);
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    return signature.verify(url.decode(parts[2]));
  }
}
