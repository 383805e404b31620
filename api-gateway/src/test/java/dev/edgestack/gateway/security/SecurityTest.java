package dev.edgestack.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.gateway.GatewayDeployable;
import dev.edgestack.gateway.testing.EchoUpstream;
import dev.edgestack.gateway.testing.ForgeKey;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.gateway.testing.Http;
import dev.edgestack.gateway.testing.JwksServer;
import dev.edgestack.gateway.testing.TestKeys;
import dev.edgestack.gateway.testing.Tokens;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gateway under attack: bad tokens of every kind, forged identity headers (the Connection trick
 * included), query-string tokens, API keys, an issuer that goes down or rotates its key. A whole
 * gateway runs in this JVM against a real JWKS endpoint and a real echo upstream.
 */
class SecurityTest {
  private static final String ALPHA_KEY = "test-key-alpha-0123456789abcdef0123456789";
  private static final String BRAVO_KEY = "test-key-bravo-0123456789abcdef0123456789";
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private static Vertx vertx;
  private static JwksServer issuer;
  private static JwksServer partner;
  private static EchoUpstream services;
  private static RunningInstance gateway;
  private static String base;

  @BeforeAll
  static void startGateway() throws Exception {
    vertx = Vertx.vertx();
    issuer = JwksServer.start(vertx);
    publishUsualKeys();
    partner = JwksServer.start(vertx, TestKeys.rotated());
    services = EchoUpstream.start(vertx, "services-1");
    gateway = start(issuer.url());
    base = "http://127.0.0.1:" + gateway.httpPort();
    String ready = "http://127.0.0.1:" + gateway.adminPort() + "/health/ready";
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(ready).statusCode() == 200);
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    services.close();
    issuer.close();
    partner.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static RunningInstance start(String jwksUrl) throws Exception {
    ConfigNode config =
        ConfigLoader.withVariables(
                Map.of(
                    "JWKS_URL", jwksUrl,
                    "PARTNER_JWKS_URL", partner.url(),
                    "UPSTREAM", services.endpoint()))
            .load(Path.of("src/test/resources/security-test.yaml"));
    return EdgeProcess.start("gateway", config, new GatewayDeployable())
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static void publishUsualKeys() {
    issuer.publishJwks(
        new JsonObject(TestKeys.primary().publicJwk()),
        ForgeKey.jwk("forge-rs", "RS256"),
        ForgeKey.jwk("forge-ps", "PS256"));
  }

  // ---- bad tokens ----

  static Stream<Arguments> badTokens() {
    JsonObject claims = Tokens.claims("mallory", "accounts:read", 300);
    String payload = claims.encode();
    String good = Tokens.valid("alice", "accounts:read");
    String[] parts = good.split("\\.");
    byte[] publicKey =
        new JsonObject(TestKeys.primary().publicJwk()).encode().getBytes(StandardCharsets.UTF_8);
    String rs = "{\"alg\":\"RS256\",\"kid\":\"forge-rs\"";
    return Stream.of(
        Arguments.of("alg none, empty signature", Tokens.unsigned(claims, false)),
        Arguments.of("alg none, some signature", Tokens.unsigned(claims, true)),
        Arguments.of("alg None", ForgeKey.sign("{\"alg\":\"None\"}", payload, "RS256")),
        Arguments.of("alg NONE", ForgeKey.sign("{\"alg\":\"NONE\"}", payload, "RS256")),
        Arguments.of(
            "alg nOnE with kid",
            ForgeKey.sign(rs.replace("RS256", "nOnE") + "}", payload, "RS256")),
        Arguments.of(
            "HS256 keyed with the public key",
            Tokens.hs256(publicKey, TestKeys.primary().keyId(), claims)),
        Arguments.of(
            "PS256 under an RS256 key",
            ForgeKey.sign("{\"alg\":\"PS256\",\"kid\":\"forge-rs\"}", payload, "PS256")),
        Arguments.of(
            "RS256 under a PS256 key",
            ForgeKey.sign("{\"alg\":\"RS256\",\"kid\":\"forge-ps\"}", payload, "RS256")),
        Arguments.of(
            "jku header",
            ForgeKey.sign(rs + ",\"jku\":\"http://127.0.0.1:1/jwks\"}", payload, "RS256")),
        Arguments.of(
            "x5u header",
            ForgeKey.sign(rs + ",\"x5u\":\"http://127.0.0.1:1/cert\"}", payload, "RS256")),
        Arguments.of(
            "jwk header",
            ForgeKey.sign(
                rs + ",\"jwk\":" + ForgeKey.jwk("forge-rs", "RS256").encode() + "}",
                payload,
                "RS256")),
        Arguments.of(
            "unknown crit", ForgeKey.sign(rs + ",\"crit\":[\"exp\"],\"exp\":1}", payload, "RS256")),
        Arguments.of(
            "oversized",
            ForgeKey.sign(rs + "}", claims.copy().put("pad", "x".repeat(5000)).encode(), "RS256")),
        Arguments.of("standard base64 alphabet", parts[0] + "." + parts[1] + "+/." + parts[2]),
        Arguments.of("padded segment", parts[0] + "." + parts[1] + "==." + parts[2]),
        Arguments.of("payload not JSON", ForgeKey.sign(rs + "}", "{not json", "RS256")),
        Arguments.of("payload a JSON array", ForgeKey.sign(rs + "}", "[1,2]", "RS256")),
        Arguments.of("trailing garbage in JSON", ForgeKey.sign(rs + "}", payload + "xx", "RS256")),
        Arguments.of("two JSON objects", ForgeKey.sign(rs + "}", payload + "{}", "RS256")),
        Arguments.of("trailing segment", good + ".AAAA"),
        Arguments.of("trailing garbage after signature", good + "AAAA"),
        Arguments.of("two segments", parts[0] + "." + parts[1]),
        Arguments.of("empty signature", parts[0] + "." + parts[1] + "."),
        Arguments.of(
            "tampered payload",
            parts[0]
                + "."
                + URL.encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "."
                + parts[2]),
        Arguments.of("no exp", ForgeKey.sign(rs + "}", without(claims, "exp"), "RS256")),
        Arguments.of("no aud", ForgeKey.sign(rs + "}", without(claims, "aud"), "RS256")),
        Arguments.of("no iss", ForgeKey.sign(rs + "}", without(claims, "iss"), "RS256")),
        Arguments.of(
            "another audience",
            ForgeKey.sign(rs + "}", claims.copy().put("aud", "other").encode(), "RS256")),
        Arguments.of(
            "expired beyond the skew",
            ForgeKey.sign(
                rs + "}", Tokens.claims("alice", "accounts:read", -120).encode(), "RS256")),
        Arguments.of(
            "not yet valid beyond the skew",
            ForgeKey.sign(rs + "}", shifted(claims, "nbf", 600), "RS256")),
        Arguments.of(
            "issued in the future beyond the skew",
            ForgeKey.sign(rs + "}", shifted(claims, "iat", 600), "RS256")),
        Arguments.of("a key the issuer never published", Tokens.sign(TestKeys.stranger(), claims)));
  }

  private static String without(JsonObject claims, String name) {
    JsonObject copy = claims.copy();
    copy.remove(name);
    return copy.encode();
  }

  private static String shifted(JsonObject claims, String name, long seconds) {
    return claims.copy().put(name, claims.getLong("iat") + seconds).encode();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void rejectsABadTokenWith401(String name, String token) {
    HttpResponse<String> response =
        Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + token);

    assertThat(response.statusCode()).as(name).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"invalid_token\"");
  }

  @Test
  void acceptsGoodTokensOfEveryAllowedAlgorithm() {
    String rs256 = Tokens.valid("alice", "accounts:read");
    String ps256 =
        ForgeKey.sign(
            "{\"alg\":\"PS256\",\"kid\":\"forge-ps\",\"typ\":\"JWT\"}",
            Tokens.claims("bob", "accounts:read", 300).encode(),
            "PS256");

    assertThat(
            subjectSeenUpstream(Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + rs256)))
        .isEqualTo("alice");
    assertThat(
            subjectSeenUpstream(Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + ps256)))
        .isEqualTo("bob");
  }

  @Test
  void eachIssuerVerifiesOnlyWithItsOwnKeysAndAudience() {
    JsonObject partnerClaims =
        Tokens.claims("carol", "accounts:read", 300)
            .put("iss", "https://partner.example")
            .put("aud", "partner-api");
    String fromPartner = Tokens.sign(TestKeys.rotated(), partnerClaims);
    String partnerClaimsPrimaryKey = Tokens.sign(TestKeys.primary(), partnerClaims);
    String partnerKeyPrimaryClaims =
        Tokens.sign(TestKeys.rotated(), Tokens.claims("carol", "accounts:read", 300));
    String partnerWithPrimaryAudience =
        Tokens.sign(TestKeys.rotated(), partnerClaims.copy().put("aud", Tokens.AUDIENCE));
    String unknownIssuer =
        Tokens.sign(
            TestKeys.primary(),
            Tokens.claims("carol", "accounts:read", 300).put("iss", "https://elsewhere"));

    assertThat(subjectSeenUpstream(get("/api/jwt/x", fromPartner))).isEqualTo("carol");
    assertThat(get("/api/jwt/x", partnerClaimsPrimaryKey).statusCode()).isEqualTo(401);
    assertThat(get("/api/jwt/x", partnerKeyPrimaryClaims).statusCode()).isEqualTo(401);
    assertThat(get("/api/jwt/x", partnerWithPrimaryAudience).statusCode()).isEqualTo(401);
    assertThat(get("/api/jwt/x", unknownIssuer).statusCode()).isEqualTo(401);
  }

  @Test
  void anHmacIssuerAcceptsOnlyItsConfiguredSecret() {
    JsonObject claims =
        Tokens.claims("dave", "accounts:read", 300)
            .put("iss", "https://hmac.example")
            .put("aud", "hmac-api");
    byte[] secret = "0123456789abcdef0123456789abcdef-hmac".getBytes(StandardCharsets.UTF_8);
    byte[] wrong = "0123456789abcdef0123456789abcdef-HMAC".getBytes(StandardCharsets.UTF_8);

    assertThat(subjectSeenUpstream(get("/api/jwt/x", Tokens.hs256(secret, "h1", claims))))
        .isEqualTo("dave");
    assertThat(get("/api/jwt/x", Tokens.hs256(wrong, "h1", claims)).statusCode()).isEqualTo(401);
    assertThat(get("/api/jwt/x", Tokens.sign(TestKeys.primary(), claims)).statusCode())
        .isEqualTo(401);
  }

  private static HttpResponse<String> get(String path, String token) {
    return Http.get(base + path, "Authorization", "Bearer " + token);
  }

  // ---- the Authorization header ----

  @Test
  void theBearerSchemeIsCaseInsensitive() {
    String token = Tokens.valid("alice", "accounts:read");

    assertThat(Http.get(base + "/api/jwt/x", "Authorization", "bEaReR " + token).statusCode())
        .isEqualTo(200);
  }

  @Test
  void twoAuthorizationFieldsAreABadRequest() {
    String token = Tokens.valid("alice", "accounts:read");

    HttpResponse<String> response =
        Http.get(
            base + "/api/jwt/x", "Authorization", "Bearer " + token, "Authorization", "Bearer x");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void anotherSchemeIsA401WithABearerChallenge() {
    HttpResponse<String> response =
        Http.get(base + "/api/jwt/x", "Authorization", "Basic YWxpY2U6c2VjcmV0");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"edge-stack\"");
  }

  @Test
  void aTokenInTheQueryStringIsNeverAccepted() {
    String token = Tokens.valid("alice", "accounts:read");

    HttpResponse<String> response = Http.get(base + "/api/jwt/x?access_token=" + token);

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void aRouteThatAllowsQueryTokensTakesExactlyOne() {
    String token = Tokens.valid("alice", "accounts:read");
    String url = base + "/api/query/x?access_token=" + token;

    assertThat(subjectSeenUpstream(Http.get(url))).isEqualTo("alice");
    HttpResponse<String> withOthers =
        Http.get(base + "/api/query/x?a=1&access%5Ftoken=" + token + "&b=2");
    assertThat(subjectSeenUpstream(withOthers)).isEqualTo("alice");
    assertThat(new JsonObject(withOthers.body()).getString("uri"))
        .as("the credential is not passed on, the rest of the query is")
        .isEqualTo("/echo/x?a=1&b=2");
    assertThat(new JsonObject(Http.get(url).body()).getString("uri")).isEqualTo("/echo/x");
    assertThat(Http.get(url + "&access_token=" + token).statusCode()).isEqualTo(400);
    assertThat(Http.get(url, "Authorization", "Bearer " + token).statusCode()).isEqualTo(400);
    assertThat(Http.get(base + "/api/query/x?access_token=not-a-jwt").statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenWithoutTheRouteScopeIsA403Problem() {
    String token = Tokens.valid("alice", "rates:read");

    HttpResponse<String> response =
        Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + token);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void aRouteWithScopesMatchAnyNeedsOneOfThem() {
    String rates = Tokens.valid("alice", "rates:read");
    String profile = Tokens.valid("alice", "profile:read");

    assertThat(Http.get(base + "/api/any/x", "Authorization", "Bearer " + rates).statusCode())
        .isEqualTo(200);
    assertThat(Http.get(base + "/api/any/x", "X-Api-Key", ALPHA_KEY).statusCode()).isEqualTo(200);
    assertThat(Http.get(base + "/api/any/x", "X-Api-Key", BRAVO_KEY).statusCode()).isEqualTo(403);
    assertThat(Http.get(base + "/api/any/x", "Authorization", "Bearer " + profile).statusCode())
        .isEqualTo(403);
  }

  @Test
  void aRouteWithRequiredClaimsAdmitsOnlyTokensCarryingThem() {
    JsonObject claims = Tokens.claims("alice", "accounts:read", 300);
    String acmeTeller =
        Tokens.sign(
            TestKeys.primary(),
            claims.copy().put("tenant", "acme").put("roles", new JsonArray().add("teller")));
    String acmeOnly = Tokens.sign(TestKeys.primary(), claims.copy().put("tenant", "acme"));
    String otherTenant =
        Tokens.sign(
            TestKeys.primary(),
            claims.copy().put("tenant", "globex").put("roles", new JsonArray().add("teller")));

    assertThat(
            Http.get(base + "/api/tenant/x", "Authorization", "Bearer " + acmeTeller).statusCode())
        .isEqualTo(200);
    HttpResponse<String> missing =
        Http.get(base + "/api/tenant/x", "Authorization", "Bearer " + acmeOnly);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(
            Http.get(base + "/api/tenant/x", "Authorization", "Bearer " + otherTenant).statusCode())
        .isEqualTo(403);
  }

  // ---- identity headers ----

  @Test
  void clientSentIdentityHeadersNeverReachTheUpstream() {
    HttpResponse<String> response =
        Http.get(
            base + "/api/public/x",
            "X-Auth-Subject",
            "mallory",
            "x-auth-scopes",
            "admin:write",
            "X-AUTH-CLIENT",
            "evil",
            "X_Auth_Subject",
            "mallory",
            "X-Auth-Anything",
            "forged");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.fieldNames())
        .noneMatch(name -> name.replace('_', '-').startsWith("x-auth-"));
  }

  @Test
  void theGatewaySetsTheVerifiedIdentityOverForgedCopies() {
    String token = Tokens.valid("alice", "accounts:read");

    HttpResponse<String> response =
        Http.get(
            base + "/api/jwt/x",
            "Authorization",
            "Bearer " + token,
            "X-Auth-Subject",
            "mallory",
            "X-Auth-Scopes",
            "admin:write");

    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-auth-subject")).containsExactly("alice");
    assertThat(headers.getJsonArray("x-auth-scopes")).containsExactly("accounts:read");
  }

  @Test
  void namingIdentityHeadersInConnectionNeitherDropsNorForgesThem() throws IOException {
    String token = Tokens.valid("alice", "accounts:read");

    String response =
        raw(
            "GET /api/jwt/x HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Authorization: Bearer "
                + token
                + "\r\n"
                + "X-Auth-Subject: mallory\r\n"
                + "Connection: close, X-Auth-Subject, X-Auth-Scopes, X-Auth-Client\r\n"
                + "\r\n");

    assertThat(response).startsWith("HTTP/1.1 200");
    JsonObject headers =
        new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4))
            .getJsonObject("headers");
    assertThat(headers.getJsonArray("x-auth-subject")).containsExactly("alice");
    assertThat(headers.getJsonArray("x-auth-scopes")).containsExactly("accounts:read");
    JsonArray connection = headers.getJsonArray("connection", new JsonArray());
    assertThat(connection.encode().toLowerCase()).doesNotContain("x-auth");
  }

  // ---- API keys ----

  @Test
  void aGoodApiKeyPassesAsItsClientAndIsNotForwarded() {
    HttpResponse<String> response = Http.get(base + "/api/key/x", "X-Api-Key", ALPHA_KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject headers = new JsonObject(response.body()).getJsonObject("headers");
    assertThat(headers.getJsonArray("x-auth-client")).containsExactly("alpha-client");
    assertThat(headers.getJsonArray("x-auth-subject")).containsExactly("alpha-client");
    assertThat(headers.getJsonArray("x-auth-scopes")).containsExactly("rates:read");
    assertThat(headers.fieldNames()).doesNotContain("x-api-key");
  }

  @Test
  void anUnknownApiKeyIsA401() {
    HttpResponse<String> response =
        Http.get(base + "/api/key/x", "X-Api-Key", ALPHA_KEY.replace('a', 'b'));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("header=\"X-Api-Key\"");
  }

  @Test
  void anApiKeyInAnotherHeaderIsA401() {
    assertThat(Http.get(base + "/api/key/x", "Authorization", "Bearer " + ALPHA_KEY).statusCode())
        .isEqualTo(401);
    assertThat(Http.get(base + "/api/key/x", "X-Api-Token", ALPHA_KEY).statusCode()).isEqualTo(401);
  }

  @Test
  void anApiKeyWithoutTheRouteScopeIsA403() {
    HttpResponse<String> response = Http.get(base + "/api/key/x", "X-Api-Key", BRAVO_KEY);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void twoApiKeyFieldsAreABadRequest() {
    assertThat(
            Http.get(base + "/api/key/x", "X-Api-Key", ALPHA_KEY, "X-Api-Key", BRAVO_KEY)
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void aJwtIsNotAnApiKey() {
    String token = Tokens.valid("alice", "rates:read accounts:read");

    assertThat(Http.get(base + "/api/key/x", "Authorization", "Bearer " + token).statusCode())
        .isEqualTo(401);
  }

  @Test
  void anEitherRouteTakesOneCredentialButNotBoth() {
    String token = Tokens.valid("alice", "accounts:read");

    assertThat(Http.get(base + "/api/either/x", "X-Api-Key", BRAVO_KEY).statusCode())
        .isEqualTo(200);
    assertThat(Http.get(base + "/api/either/x", "Authorization", "Bearer " + token).statusCode())
        .isEqualTo(200);
    assertThat(
            Http.get(
                    base + "/api/either/x",
                    "Authorization",
                    "Bearer " + token,
                    "X-Api-Key",
                    BRAVO_KEY)
                .statusCode())
        .isEqualTo(400);
    assertThat(Http.get(base + "/api/either/x").statusCode()).isEqualTo(401);
  }

  // ---- the issuer ----

  @Test
  void cachedKeysKeepWorkingWhileTheIssuerIsDown() {
    double before = jwksFailures();
    issuer.down(true);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> jwksFailures() > before);

      String fresh = Tokens.valid("alice", "accounts:read");
      assertThat(Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + fresh).statusCode())
          .isEqualTo(200);
    } finally {
      issuer.down(false);
    }
  }

  @Test
  void withoutAnyKeyTheGatewayAnswers503() throws Exception {
    RunningInstance keyless = start("http://127.0.0.1:" + FreePorts.next() + JwksServer.PATH);
    try {
      HttpResponse<String> response =
          Http.get(
              "http://127.0.0.1:" + keyless.httpPort() + "/api/jwt/x",
              "Authorization",
              "Bearer " + Tokens.valid("alice", "accounts:read"));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("application/problem+json");
    } finally {
      keyless.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRotatedKeyIsAcceptedAfterRefreshAndTheRemovedOneRejected() {
    String old = Tokens.valid("alice", "accounts:read");
    assertThat(Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + old).statusCode())
        .isEqualTo(200);
    String rotated = Tokens.sign(TestKeys.rotated(), Tokens.claims("bob", "accounts:read", 300));
    try {
      issuer.publishJwks(
          new JsonObject(TestKeys.primary().publicJwk()),
          new JsonObject(TestKeys.rotated().publicJwk()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + rotated).statusCode()
                      == 200);

      issuer.publishJwks(new JsonObject(TestKeys.rotated().publicJwk()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + old).statusCode()
                      == 401);
      assertThat(Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + rotated).statusCode())
          .isEqualTo(200);
    } finally {
      publishUsualKeys();
      String probe = Tokens.valid("alice", "accounts:read");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Http.get(base + "/api/jwt/x", "Authorization", "Bearer " + probe).statusCode()
                      == 200);
    }
  }

  // ---- metrics ----

  @Test
  void countsAuthOutcomesPerRouteAndMethod() {
    Http.get(base + "/api/key/x", "X-Api-Key", ALPHA_KEY);
    Http.get(base + "/api/key/x", "X-Api-Key", BRAVO_KEY);

    String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics").body();

    assertThat(metrics.lines())
        .anyMatch(
            line ->
                line.startsWith("edge_gateway_auth_total{")
                    && line.contains("method=\"api-key\"")
                    && line.contains("outcome=\"allowed\"")
                    && line.contains("route=\"key\""))
        .anyMatch(
            line ->
                line.startsWith("edge_gateway_auth_total{")
                    && line.contains("outcome=\"forbidden\"")
                    && line.contains("route=\"key\""))
        .anyMatch(
            line ->
                line.startsWith("edge_jwks_refreshes_total{")
                    && line.contains("issuer=\"" + Tokens.ISSUER + "\""));
  }

  private double jwksFailures() {
    String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics").body();
    return metrics
        .lines()
        .filter(line -> line.startsWith("edge_jwks_refreshes_total{"))
        .filter(line -> line.contains("outcome=\"failure\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String subjectSeenUpstream(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return new JsonObject(response.body())
        .getJsonObject("headers")
        .getJsonArray("x-auth-subject")
        .getString(0);
  }

  /** One request written as raw bytes (the JDK client refuses a custom Connection header). */
  private static String raw(String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", gateway.httpPort()), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      // Vert.x keeps the connection open when Connection lists more than "close": read by length.
      while (!out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
        int next = in.read();
        if (next < 0) {
          break;
        }
        out.write(next);
      }
      String head = out.toString(StandardCharsets.ISO_8859_1);
      int length = 0;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      out.write(in.readNBytes(length));
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
