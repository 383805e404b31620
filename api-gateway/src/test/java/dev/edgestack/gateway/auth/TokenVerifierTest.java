package dev.edgestack.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.gateway.config.JwtConfig;
import dev.edgestack.gateway.testing.CurveKey;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.gateway.testing.JwksServer;
import dev.edgestack.gateway.testing.TestKeys;
import dev.edgestack.gateway.testing.Tokens;
import dev.edgestack.runtime.failure.EdgeFailure;
import dev.edgestack.runtime.failure.FailureKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Verification against a JWKS served by a real HTTP server, as the gateway does it. */
class TokenVerifierTest {
  private static Vertx vertx;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private JwksServer issuer;
  private JwksKeys keys;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (keys != null) {
      keys.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  @Test
  void acceptsAValidTokenAndReadsItsIdentity() throws Exception {
    TokenVerifier verifier = verifierWithIssuer();

    Identity identity = verify(verifier, Tokens.valid("alice", "accounts:read rates:read"));

    assertThat(identity.subject()).isEqualTo("alice");
    assertThat(identity.scopes()).containsExactly("accounts:read", "rates:read");
    assertThat(identity.client()).isEmpty();
  }

  @Test
  void rejectsExpiredWrongAudienceAndWrongIssuer() throws Exception {
    TokenVerifier verifier = verifierWithIssuer();
    JsonObject expired = Tokens.claims("alice", "accounts:read", -120);
    JsonObject otherAudience = Tokens.claims("alice", "accounts:read", 300).put("aud", "other");
    JsonObject otherIssuer =
        Tokens.claims("alice", "accounts:read", 300).put("iss", "https://evil");

    assertThat(challenge(verifier, Tokens.sign(TestKeys.primary(), expired)))
        .contains(
            "error=\"invalid_token\"", "error_description=\"token expired or not yet valid\"");
    assertThat(challenge(verifier, Tokens.sign(TestKeys.primary(), otherAudience)))
        .contains("error_description=\"invalid audience\"");
    assertThat(challenge(verifier, Tokens.sign(TestKeys.primary(), otherIssuer)))
        .contains("error_description=\"invalid issuer\"");
  }

  @Test
  void acceptsATokenExpiredWithinTheClockSkew() throws Exception {
    TokenVerifier verifier = verifierWithIssuer();
    JsonObject justExpired = Tokens.claims("alice", "accounts:read", -5);

    assertThat(verify(verifier, Tokens.sign(TestKeys.primary(), justExpired)).subject())
        .isEqualTo("alice");
  }

  @Test
  void rejectsAlgNoneAndHmacSignedWithThePublicKey() throws Exception {
    TokenVerifier verifier = verifierWithIssuer();
    JsonObject claims = Tokens.claims("alice", "accounts:read", 300);
    byte[] publicKey =
        new JsonObject(TestKeys.primary().publicJwk()).encode().getBytes(StandardCharsets.UTF_8);

    assertThat(challenge(verifier, Tokens.unsigned(claims, false))).contains("invalid_token");
    assertThat(challenge(verifier, Tokens.unsigned(claims, true)))
        .contains("error_description=\"algorithm not allowed\"");
    assertThat(challenge(verifier, Tokens.hs256(publicKey, TestKeys.primary().keyId(), claims)))
        .contains("error_description=\"algorithm not allowed\"");
  }

  @Test
  void acceptsEs256AndEdDsaTokensSignedWithTheirPublishedKeys() throws Exception {
    CurveKey ec = CurveKey.es256("ec-1");
    CurveKey ed = CurveKey.ed25519("ed-1");
    issuer = JwksServer.start(vertx);
    issuer.publishJwks(ec.jwk(), ed.jwk());
    TokenVerifier verifier =
        verifier(
            config(URI.create(issuer.url()), Duration.ofMinutes(5), List.of("ES256", "EdDSA")));
    await().atMost(Duration.ofSeconds(15)).until(keys::loaded);

    assertThat(verify(verifier, ec.sign(Tokens.claims("alice", "accounts:read", 300))).subject())
        .isEqualTo("alice");
    assertThat(verify(verifier, ed.sign(Tokens.claims("bob", "accounts:read", 300))).subject())
        .isEqualTo("bob");
  }

  @Test
  void rejectsCurveTokensWithABadSignatureOrAnotherKeysAlgorithm() throws Exception {
    CurveKey ec = CurveKey.es256("ec-1");
    CurveKey ed = CurveKey.ed25519("ed-1");
    CurveKey unpublished = CurveKey.es256("ec-1");
    issuer = JwksServer.start(vertx);
    issuer.publishJwks(ec.jwk(), ed.jwk());
    TokenVerifier verifier =
        verifier(
            config(URI.create(issuer.url()), Duration.ofMinutes(5), List.of("ES256", "EdDSA")));
    await().atMost(Duration.ofSeconds(15)).until(keys::loaded);
    JsonObject claims = Tokens.claims("mallory", "accounts:read", 300);

    assertThat(challenge(verifier, unpublished.sign(claims))).contains("invalid_token");
    assertThat(challenge(verifier, ed.signAs("ES256", claims)))
        .contains("error_description=\"algorithm does not match the key\"");
    assertThat(challenge(verifier, ec.signAs("EdDSA", claims)))
        .contains("error_description=\"algorithm does not match the key\"");
    // RFC 7518 3.4: r || s only. Accepting DER too would give one token several valid spellings.
    assertThat(challenge(verifier, ec.signDer(claims)))
        .contains("error_description=\"invalid signature\"");
  }

  @Test
  void curveKeysAreIgnoredWhenTheirAlgorithmIsNotAllowed() throws Exception {
    CurveKey ec = CurveKey.es256("ec-1");
    issuer = JwksServer.start(vertx, TestKeys.primary());
    issuer.publishJwks(new JsonObject(TestKeys.primary().publicJwk()), ec.jwk());
    TokenVerifier verifier = verifier(config(URI.create(issuer.url()), Duration.ofMinutes(5)));
    await().atMost(Duration.ofSeconds(15)).until(keys::loaded);

    assertThat(challenge(verifier, ec.sign(Tokens.claims("alice", "accounts:read", 300))))
        .contains("error_description=\"algorithm not allowed\"");
  }

  @Test
  void rejectsATamperedSignature() throws Exception {
    TokenVerifier verifier = verifierWithIssuer();
    String token = Tokens.valid("alice", "accounts:read");
    String forged = Tokens.valid("mallory", "accounts:read");
    String spliced =
        forged.substring(0, forged.lastIndexOf('.')) + token.substring(token.lastIndexOf('.'));

    assertThat(challenge(verifier, spliced)).contains("error_description=\"invalid signature\"");
  }

  @Test
  void anUnknownKeyIdTriggersOneRefreshAtMostPerInterval() throws Exception {
    TokenVerifier verifier = verifierWithIssuer();
    assertThat(issuer.fetches()).isEqualTo(1);
    issuer.publish(TestKeys.primary(), TestKeys.rotated());

    Identity rotated =
        verify(
            verifier, Tokens.sign(TestKeys.rotated(), Tokens.claims("bob", "accounts:read", 300)));

    assertThat(rotated.subject()).isEqualTo("bob");
    assertThat(issuer.fetches()).isEqualTo(2);

    String stranger = Tokens.sign(TestKeys.stranger(), Tokens.claims("eve", "accounts:read", 300));
    assertThat(challenge(verifier, stranger)).contains("error_description=\"unknown signing key\"");
    assertThat(challenge(verifier, stranger)).contains("unknown signing key");
    assertThat(issuer.fetches()).isEqualTo(2);
  }

  @Test
  void withoutKeysAnswers503AndIsNotLoaded() throws Exception {
    URI unreachable = URI.create("http://127.0.0.1:" + FreePorts.next() + JwksServer.PATH);
    TokenVerifier verifier = verifier(config(unreachable, Duration.ofMinutes(5)));

    await().atMost(Duration.ofSeconds(5)).until(() -> failures() >= 1);

    assertThat(keys.loaded()).isFalse();
    EdgeFailure failure = failure(verifier, Tokens.valid("alice", "accounts:read"));
    assertThat(failure.kind()).isEqualTo(FailureKind.UNAVAILABLE);
  }

  @Test
  void keepsCachedKeysWhileTheIssuerIsDown() throws Exception {
    issuer = JwksServer.start(vertx, TestKeys.primary());
    TokenVerifier verifier = verifier(config(URI.create(issuer.url()), Duration.ofSeconds(1)));
    await().atMost(Duration.ofSeconds(15)).until(keys::loaded);
    issuer.close();
    issuer = null;

    await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 1);

    assertThat(keys.loaded()).isTrue();
    assertThat(verify(verifier, Tokens.valid("alice", "accounts:read")).subject())
        .isEqualTo("alice");
  }

  private TokenVerifier verifierWithIssuer() throws Exception {
    issuer = JwksServer.start(vertx, TestKeys.primary());
    TokenVerifier verifier = verifier(config(URI.create(issuer.url()), Duration.ofMinutes(5)));
    await().atMost(Duration.ofSeconds(15)).until(keys::loaded);
    return verifier;
  }

  private TokenVerifier verifier(JwtConfig config) {
    keys = new JwksKeys(vertx, config, new JwksFetcher(vertx, config), Clock.systemUTC(), registry);
    keys.start();
    return new TokenVerifier(config, keys, Clock.systemUTC());
  }

  private double failures() {
    return registry
        .get("edge_jwks_refreshes")
        .tag("issuer", Tokens.ISSUER)
        .tag("outcome", "failure")
        .counter()
        .count();
  }

  private static JwtConfig config(URI jwksUrl, Duration refreshInterval) {
    return config(jwksUrl, refreshInterval, List.of("RS256"));
  }

  private static JwtConfig config(URI jwksUrl, Duration refreshInterval, List<String> algorithms) {
    return new JwtConfig(
        Tokens.ISSUER,
        Tokens.AUDIENCE,
        java.util.Optional.of(jwksUrl),
        algorithms,
        Duration.ofSeconds(30),
        refreshInterval,
        Duration.ofMillis(500),
        Duration.ofSeconds(30),
        100,
        "edge-stack",
        8192,
        List.of());
  }

  private static Identity verify(TokenVerifier verifier, String token) throws Exception {
    return verifier
        .verify(token)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static String challenge(TokenVerifier verifier, String token) {
    EdgeFailure failure = failure(verifier, token);
    assertThat(failure.kind()).isEqualTo(FailureKind.UNAUTHENTICATED);
    return failure.headers().get("WWW-Authenticate");
  }

  private static EdgeFailure failure(TokenVerifier verifier, String token) {
    try {
      verify(verifier, token);
      throw new AssertionError("expected the token to be rejected");
    } catch (ExecutionException e) {
      return (EdgeFailure) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
