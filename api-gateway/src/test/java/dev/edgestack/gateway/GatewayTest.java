package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgestack.gateway.testing.EchoUpstream;
import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.gateway.testing.Http;
import dev.edgestack.gateway.testing.JwksServer;
import dev.edgestack.gateway.testing.ReadyGateway;
import dev.edgestack.gateway.testing.TestKeys;
import dev.edgestack.gateway.testing.Tokens;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole gateway in this JVM, against a real JWKS endpoint and a real echo upstream. */
class GatewayTest extends GatewayEngineContract {
  private static Vertx vertx;
  private static JwksServer issuer;
  private static EchoUpstream services;
  private static RunningInstance gateway;
  private static String base;

  @BeforeAll
  static void startGateway() throws Exception {
    vertx = Vertx.vertx();
    issuer = JwksServer.start(vertx, TestKeys.primary());
    services = EchoUpstream.start(vertx, "services-1");
    int clusterPort = FreePorts.next();
    ConfigNode config =
        ConfigLoader.withVariables(
                Map.of(
                    "JWKS_URL", issuer.url(),
                    "UPSTREAM", services.endpoint(),
                    "DEAD", "127.0.0.1:" + FreePorts.next(),
                    "CLUSTER_NAME", "gateway-test-" + UUID.randomUUID(),
                    "CLUSTER_PORT", Integer.toString(clusterPort)))
            .load(Path.of("src/test/resources/gateway-test.yaml"));
    gateway = ReadyGateway.start(config);
    base = "http://127.0.0.1:" + gateway.httpPort();
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    services.close();
    issuer.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  String base() {
    return base;
  }

  @Override
  String instanceName() {
    return "gateway-test";
  }

  @Test
  void anUnknownPathIsA404Problem() {
    HttpResponse<String> response = Http.get(base + "/nothing/here");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("requestId"))
        .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
  }

  @Test
  void anotherMethodOnAKnownPathIsA405WithAllow() {
    HttpResponse<String> response = Http.send("DELETE", base + "/api/rates", null);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).contains("GET");
  }

  @Test
  void aMissingTokenIsA401WithABearerChallenge() {
    HttpResponse<String> response = Http.get(base + "/api/accounts/acc-alice-1");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"edge-stack\"");
  }

  @Test
  void aBadTokenIsA401WithInvalidToken() {
    HttpResponse<String> response =
        Http.get(base + "/api/accounts/acc-alice-1", "Authorization", "Bearer not.a.token");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer realm=\"edge-stack\", error=\"invalid_token\", error_description=");
  }

  @Test
  void aTokenWithoutTheScopeIsA403WithInsufficientScope() {
    HttpResponse<String> response =
        Http.get(
            base + "/api/admin",
            "Authorization",
            "Bearer " + Tokens.valid("alice", "accounts:read"));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
        .contains("error=\"insufficient_scope\"", "scope=\"admin:write\"");
  }

  @Test
  void aPublicRouteForwardsNoIdentityHeadersAndEncodesPathValues() {
    HttpResponse<String> response =
        Http.send(
            "POST",
            base + "/api/public/a%20b?x=1",
            "hello body",
            "X-Auth-Subject",
            "mallory",
            "Content-Type",
            "text/plain");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject echo = new JsonObject(response.body());
    assertThat(echo.getString("uri")).isEqualTo("/echo/a%20b?x=1");
    assertThat(echo.getString("body")).isEqualTo("hello body");
    assertThat(echo.getJsonObject("headers").containsKey("x-auth-subject")).isFalse();
  }

  @Test
  void servesHttp2ClientsToo() {
    String token = "Bearer " + Tokens.valid("alice", "accounts:read");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> proxied =
          Http.getHttp2(
              base + "/api/accounts/acc-alice-1",
              "Authorization",
              token,
              "X-Auth-Subject",
              "mallory");
      HttpResponse<String> composed =
          Http.getHttp2(base + "/api/accounts/acc-alice-1/overview", "Authorization", token);
      HttpResponse<String> failed = Http.getHttp2(base + "/api/admin", "Authorization", token);

      assertThat(proxied.statusCode()).isEqualTo(200);
      assertThat(
              new JsonObject(proxied.body())
                  .getJsonObject("headers")
                  .getJsonArray("x-auth-subject"))
          .isEqualTo(new JsonArray().add("alice"));
      assertThat(composed.statusCode()).isEqualTo(200);
      assertThat(failed.statusCode()).isEqualTo(403);
      assertThat(failed.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    }
  }

  @Test
  void anHttp2BodyWithoutALengthIsCappedAtTheListenerLimit() throws Exception {
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    Buffer chunk = Buffer.buffer("x".repeat(1000));
    try {
      int status =
          client
              .request(HttpMethod.POST, gateway.httpPort(), "127.0.0.1", "/api/public/h2")
              .compose(
                  request -> {
                    // HTTP/2 DATA frames without a content-length, past the 4096 of the listener.
                    request.setChunked(true);
                    for (int i = 0; i < 5; i++) {
                      request.write(chunk);
                    }
                    request.end();
                    return request.response();
                  })
              .map(response -> response.statusCode())
              .await(10, TimeUnit.SECONDS);

      assertThat(status).isEqualTo(413);
    } finally {
      client.close();
    }
  }

  @Test
  void anEncodedSlashInAPathValueIsABadRequest() {
    assertThat(Http.get(base + "/api/public/a%2Fb").statusCode()).isEqualTo(400);
    assertThat(Http.get(base + "/api/public/..").statusCode()).isEqualTo(400);
  }

  @Test
  void theSharedRateLimitAnswers429WithRetryAfterAndRateLimitFields() {
    for (int i = 2; i >= 0; i--) {
      HttpResponse<String> admitted = Http.get(base + "/api/rates");
      assertThat(admitted.statusCode()).isEqualTo(200);
      assertThat(admitted.headers().firstValue("RateLimit-Policy"))
          .contains("\"rates-per-client\";q=3;w=60");
      assertThat(admitted.headers().firstValue("RateLimit").orElseThrow())
          .startsWith("\"rates-per-client\";r=" + i + ";t=");
    }

    HttpResponse<String> rejected = Http.get(base + "/api/rates");

    assertThat(rejected.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 20L);
    assertThat(rejected.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"rates-per-client\";r=0;t=");
    assertThat(rejected.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void aComposedAnswerReportsAMissingOptionalPart() {
    HttpResponse<String> response =
        Http.get(
            base + "/api/accounts/acc-alice-1/overview",
            "Authorization",
            "Bearer " + Tokens.valid("alice", "accounts:read"),
            "X-Auth-Subject",
            "mallory");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Partial-Response")).contains("transactions");
    assertThat(response.headers().firstValue("Via").orElseThrow()).contains("gateway-test");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getJsonObject("account").getString("uri")).isEqualTo("/accounts/acc-alice-1");
    assertThat(
            body.getJsonObject("account").getJsonObject("headers").getJsonArray("x-auth-subject"))
        .isEqualTo(new JsonArray().add("alice"));
    assertThat(body.getJsonObject("rates").getString("uri")).isEqualTo("/rates?base=EUR");
    assertThat(body.containsKey("transactions")).isTrue();
    assertThat(body.getValue("transactions")).isNull();
    assertThat(body.getJsonArray("missing")).isEqualTo(new JsonArray().add("transactions"));
  }

  @Test
  void aComposedAnswerFailsWhenARequiredPartFails() {
    String token = "Bearer " + Tokens.valid("alice", "accounts:read");

    HttpResponse<String> down =
        Http.get(base + "/api/broken/acc-alice-1/overview", "Authorization", token);
    HttpResponse<String> notFound =
        Http.get(base + "/api/accounts/unknown-1/overview", "Authorization", token);

    assertThat(down.statusCode()).isIn(502, 503, 504);
    assertThat(down.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.headers().firstValue("Content-Type")).contains("application/problem+json");
  }
}
