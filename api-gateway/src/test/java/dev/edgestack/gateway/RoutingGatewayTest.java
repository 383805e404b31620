package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.gateway.testing.EchoUpstream;
import dev.edgestack.gateway.testing.Http;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.config.ConfigNode;
import dev.edgestack.runtime.process.EdgeProcess;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole gateway in this JVM routing to three real echo upstreams: conditions, splits, CORS. */
class RoutingGatewayTest {
  private static Vertx vertx;
  private static EchoUpstream stable;
  private static EchoUpstream canary;
  private static EchoUpstream hosted;
  private static RunningInstance gateway;
  private static HttpServer documents;
  private static HttpClientAgent client;
  private static final String DOCUMENT =
      "{\"id\":\"a1\",\"owner\":{\"name\":\"Alice\",\"email\":\"a@example.com\"},"
          + "\"internal\":true,\"items\":[{\"id\":1,\"secret\":\"s\"},{\"id\":2}]}";
  private static final String BIG = "{\"pad\":\"" + "x".repeat(4000) + "\",\"internal\":1}";
  private static String base;

  @BeforeAll
  static void startGateway() throws Exception {
    vertx = Vertx.vertx();
    stable = EchoUpstream.start(vertx, "stable-1");
    canary = EchoUpstream.start(vertx, "canary-1");
    hosted = EchoUpstream.start(vertx, "hosted-1");
    client = vertx.createHttpClient();
    documents =
        vertx
            .createHttpServer()
            .requestHandler(RoutingGatewayTest::serveDocument)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    ConfigNode config =
        ConfigLoader.withVariables(
                Map.of(
                    "STABLE", stable.endpoint(),
                    "CANARY", canary.endpoint(),
                    "HOSTED", hosted.endpoint(),
                    "DOCUMENTS", "127.0.0.1:" + documents.actualPort()))
            .load(Path.of("src/test/resources/routing-test.yaml"));
    gateway =
        EdgeProcess.start(
                "gateway", config, new GatewayDeployable(Clock.systemUTC(), new Random(42)))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + gateway.httpPort();
    String ready = "http://127.0.0.1:" + gateway.adminPort() + "/health/ready";
    await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(ready).statusCode() == 200);
    // Every pool must see its endpoint healthy before shares are measured.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                Http.get(base + "/api/items/1").statusCode() == 200
                    && Http.get(base + "/api/items/1?version=2").statusCode() == 200);
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    stable.close();
    canary.close();
    hosted.close();
    documents.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void headerQueryAndHostConditionsPickTheRouteAndThePlainRouteIsTheFallback() throws Exception {
    assertThat(echo(Http.get(base + "/api/items/7")).getString("uri")).isEqualTo("/items/7");
    assertThat(echo(Http.get(base + "/api/items/7?version=2")).getString("uri"))
        .isEqualTo("/v2/items/7?version=2");
    assertThat(echo(Http.get(base + "/api/items/7?version=3")).getString("uri"))
        .isEqualTo("/items/7?version=3");
    assertThat(
            echo(Http.get(base + "/api/items/7", "X-Beta", "on", "User-Agent", "beta-app/1"))
                .getString("uri"))
        .isEqualTo("/beta/7");
    // Both header conditions must hold.
    assertThat(echo(Http.get(base + "/api/items/7", "X-Beta", "on")).getString("uri"))
        .isEqualTo("/items/7");

    assertThat(withHost("/api/items/7", "shop.example.com").getString("uri"))
        .isEqualTo("/hosted/7");
    assertThat(withHost("/api/items/7", "SHOP.Example.com:8443").getString("uri"))
        .isEqualTo("/hosted/7");
    assertThat(withHost("/api/items/7", "example.com").getString("uri")).isEqualTo("/items/7");
    assertThat(withHost("/api/items/7", "evil-example.com").getString("uri")).isEqualTo("/items/7");
    // Behind a proxy that rewrote Host (as edge-lb does), the host the client asked for counts.
    assertThat(
            echo(Http.get(base + "/api/items/7", "X-Forwarded-Host", "shop.example.com"))
                .getString("uri"))
        .isEqualTo("/hosted/7");
  }

  @Test
  void priorityBeatsSpecificityAndSpecificityBeatsFileOrder() {
    assertThat(echo(Http.get(base + "/api/reports/daily")).getString("uri"))
        .isEqualTo("/any-report/daily");
    assertThat(echo(Http.get(base + "/api/docs/readme")).getString("uri")).isEqualTo("/readme");
    assertThat(echo(Http.get(base + "/api/docs/other")).getString("uri"))
        .isEqualTo("/any-doc/other");
  }

  @Test
  void prefixRoutesStripOrReplaceThePrefixAndKeepTheRemainderSafe() {
    assertThat(echo(Http.get(base + "/api/files/a/b%20c?x=1")).getString("uri"))
        .isEqualTo("/a/b%20c?x=1");
    assertThat(echo(Http.get(base + "/api/files")).getString("uri")).isEqualTo("/");
    assertThat(echo(Http.get(base + "/legacy/x/y")).getString("uri")).isEqualTo("/v1/x/y");
    assertThat(Http.get(base + "/api/files/a/%2e%2e/secret").statusCode()).isEqualTo(400);
    assertThat(Http.get(base + "/api/files/a%2Fb").statusCode()).isEqualTo(400);
    assertThat(Http.get(base + "/api/filesystem").statusCode()).isEqualTo(404);
  }

  @Test
  void aWeightedSplitSendsTheCanaryItsShareWithinTolerance() {
    int requests = 600;
    int toCanary = 0;
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response = Http.get(base + "/api/canary");
      assertThat(response.statusCode()).isEqualTo(200);
      if (response.headers().firstValue("X-Served-By").orElseThrow().equals("canary-1")) {
        toCanary++;
      }
    }
    // 10 % of 600 is 60; the standard deviation is about 7.3, so 35..85 is beyond 3 of them.
    assertThat(toCanary).isBetween(35, 85);
  }

  @Test
  void aStickySplitKeepsOneClientOnOneSideAndSpreadsClients() {
    Map<String, Integer> sides = new HashMap<>();
    for (int client = 0; client < 40; client++) {
      String id = "client-" + client;
      String first = servedBy(Http.get(base + "/api/sticky", "X-Client-Id", id));
      for (int i = 0; i < 5; i++) {
        assertThat(servedBy(Http.get(base + "/api/sticky", "X-Client-Id", id))).isEqualTo(first);
      }
      sides.merge(first, 1, Integer::sum);
    }
    assertThat(sides.keySet()).containsExactlyInAnyOrder("stable-1", "canary-1");
    assertThat(sides.get("canary-1")).isBetween(8, 32);
  }

  @Test
  void aPreflightIsAnsweredByTheGatewayWithoutCallingTheUpstream() {
    HttpResponse<String> allowed =
        Http.send(
            "OPTIONS",
            base + "/api/cors",
            null,
            "Origin",
            "https://app.example.com",
            "Access-Control-Request-Method",
            "GET",
            "Access-Control-Request-Headers",
            "authorization, content-type");

    assertThat(allowed.statusCode()).isEqualTo(204);
    assertThat(allowed.headers().firstValue("X-Served-By")).isEmpty();
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://app.example.com");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).contains("true");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).contains("GET");
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers"))
        .contains("Authorization, Content-Type");
    assertThat(allowed.headers().firstValue("Access-Control-Max-Age")).contains("60");
    assertThat(allowed.headers().allValues("Vary")).anyMatch(vary -> vary.contains("Origin"));

    HttpResponse<String> otherOrigin =
        Http.send(
            "OPTIONS",
            base + "/api/cors",
            null,
            "Origin",
            "https://evil.example.com",
            "Access-Control-Request-Method",
            "GET");
    assertThat(otherOrigin.statusCode()).isEqualTo(403);
    assertThat(otherOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(otherOrigin.headers().firstValue("Content-Type"))
        .contains("application/problem+json");

    HttpResponse<String> otherMethod =
        Http.send(
            "OPTIONS",
            base + "/api/cors",
            null,
            "Origin",
            "https://app.example.com",
            "Access-Control-Request-Method",
            "POST");
    assertThat(otherMethod.statusCode()).isEqualTo(403);

    HttpResponse<String> otherHeader =
        Http.send(
            "OPTIONS",
            base + "/api/cors",
            null,
            "Origin",
            "https://app.example.com",
            "Access-Control-Request-Method",
            "GET",
            "Access-Control-Request-Headers",
            "x-secret");
    assertThat(otherHeader.statusCode()).isEqualTo(403);
  }

  @Test
  void aSimpleCorsRequestGetsAllowHeadersOnlyForAnAllowedOrigin() {
    HttpResponse<String> allowed =
        Http.get(base + "/api/cors", "Origin", "https://app.example.com");
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://app.example.com");
    assertThat(allowed.headers().firstValue("Access-Control-Expose-Headers"))
        .contains("X-Served-By");
    assertThat(allowed.headers().allValues("Vary")).anyMatch(vary -> vary.contains("Origin"));

    HttpResponse<String> refused =
        Http.get(base + "/api/cors", "Origin", "https://evil.example.com");
    assertThat(refused.statusCode()).isEqualTo(200);
    assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(refused.headers().allValues("Vary")).anyMatch(vary -> vary.contains("Origin"));

    // The gateway's own problems on a CORS route carry CORS headers too, so a browser can read
    // them (here a 413 for a body over the route's maxBodyBytes).
    HttpResponse<String> tooLarge =
        Http.send(
            "POST",
            base + "/api/cors",
            "more than sixteen bytes",
            "Origin",
            "https://app.example.com",
            "Content-Type",
            "text/plain");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.headers().firstValue("Access-Control-Allow-Origin"))
        .contains("https://app.example.com");
  }

  @Test
  void countsRequestsPerRouteAndStatusClassWithALatencyTimer() {
    Http.get(base + "/api/docs/readme");
    Http.get(base + "/api/files/../x");
    Http.get(base + "/nowhere");

    String metrics = Http.get("http://127.0.0.1:" + gateway.adminPort() + "/metrics").body();

    assertThat(metrics)
        .containsPattern(
            "edge_gateway_requests_total\\{[^}]*route=\"readme-doc\",status=\"2xx\"[^}]*} [1-9]")
        .containsPattern(
            "edge_gateway_requests_total\\{[^}]*route=\"unmatched\",status=\"4xx\"[^}]*} [1-9]")
        .containsPattern(
            "edge_gateway_request_duration_seconds_count\\{[^}]*route=\"readme-doc\"[^}]*} [1-9]");
  }

  @Test
  void aJsonAnswerIsProjectedAndRenamedWithItsContentLengthFixed() {
    HttpResponse<String> response = Http.get(base + "/api/json/doc");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()))
        .isEqualTo(
            new JsonObject(
                "{\"id\":\"a1\",\"owner\":{\"fullName\":\"Alice\"},"
                    + "\"items\":[{\"id\":1},{\"id\":2}]}"));
    assertThat(response.headers().firstValue("Content-Length"))
        .contains(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(response.headers().firstValue("X-Request-Id")).isPresent();

    HttpResponse<String> text = Http.get(base + "/api/json/text");
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.body()).isEqualTo("id=1, internal=true");
  }

  @Test
  void aJsonAnswerOverTheBufferBoundIsA502OrPassesThroughAsConfigured() {
    for (String doc : new String[] {"big", "big-declared"}) {
      HttpResponse<String> failed = Http.get(base + "/api/json/" + doc);
      assertThat(failed.statusCode()).as(doc).isEqualTo(502);
      assertThat(new JsonObject(failed.body()).getString("type"))
          .isEqualTo("urn:edge-stack:problem:bad-upstream-response");

      HttpResponse<String> passed = Http.get(base + "/api/json-pass/" + doc);
      assertThat(passed.statusCode()).as(doc).isEqualTo(200);
      assertThat(passed.body()).isEqualTo(BIG);
    }
    HttpResponse<String> small = Http.get(base + "/api/json-pass/doc");
    assertThat(new JsonObject(small.body()).containsKey("internal")).isFalse();
    assertThat(new JsonObject(small.body()).getJsonObject("owner").getString("email"))
        .isEqualTo("a@example.com");
  }

  /** A service answering a JSON document, plain text, and big JSON with and without a length. */
  private static void serveDocument(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    switch (request.path()) {
      case "/health/ready" -> response.end("{\"status\":\"UP\"}");
      case "/doc" ->
          response.putHeader("Content-Type", "application/json; charset=utf-8").end(DOCUMENT);
      case "/text" -> response.putHeader("Content-Type", "text/plain").end("id=1, internal=true");
      case "/big-declared" -> response.putHeader("Content-Type", "application/json").end(BIG);
      case "/big" -> {
        response.setChunked(true).putHeader("Content-Type", "application/json");
        for (int i = 0; i < BIG.length(); i += 500) {
          response.write(BIG.substring(i, Math.min(BIG.length(), i + 500)));
        }
        response.end();
      }
      default -> response.setStatusCode(404).end();
    }
  }

  private static JsonObject echo(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static String servedBy(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return response.headers().firstValue("X-Served-By").orElseThrow();
  }

  /** A GET with its own Host header, which the JDK client does not allow. */
  private static JsonObject withHost(String uri, String host) throws Exception {
    String body =
        client
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setHost("127.0.0.1")
                    .setPort(gateway.httpPort())
                    .setURI(uri)
                    .putHeader("Host", host))
            .compose(request -> request.send().compose(response -> response.body()))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS)
            .toString();
    return new JsonObject(body);
  }
}
