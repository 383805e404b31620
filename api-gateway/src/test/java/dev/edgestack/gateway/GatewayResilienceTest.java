package dev.edgestack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.edgestack.gateway.testing.FreePorts;
import dev.edgestack.gateway.testing.Http;
import dev.edgestack.gateway.testing.MisbehavingUpstream;
import dev.edgestack.gateway.testing.ReadyGateway;
import dev.edgestack.runtime.config.ConfigLoader;
import dev.edgestack.runtime.process.RunningInstance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Route deadlines, streamed body limits, sequential compositions and circuit breakers of a whole
 * gateway against upstreams that misbehave on purpose (slow, hanging, failing, dead).
 */
class GatewayResilienceTest {
  private static final String CONFIG =
      """
      instance: {name: gateway-resilience}
      server: {host: 127.0.0.1, port: 0}
      admin: {port: 0}
      upstreams:
        svc:
          endpoints: ${SVC}
          healthCheck: {path: /health/ready, interval: 200ms, timeout: 100ms, rise: 1, fall: 2}
          timeouts: {connect: 500ms, request: 5s}
          retry: {attempts: 3, idempotent: true, on: [timeout, reset]}
        dead:
          endpoints: ${DEAD}
          healthCheck: {path: /health/ready, interval: 200ms, timeout: 100ms, rise: 1, fall: 2}
          timeouts: {connect: 200ms, request: 1s}
        flaky:
          endpoints: ${FLAKY}
          healthCheck: {path: /health/ready, interval: 200ms, timeout: 100ms, rise: 1, fall: 2}
          timeouts: {connect: 500ms, request: 2s}
          retry: {attempts: 1}
          circuitBreaker: {failureRatio: 0.5, minimumRequests: 4, window: 10s, openFor: 1s}
        client-errors:
          endpoints: ${FLAKY}
          healthCheck: {path: /health/ready, interval: 200ms, timeout: 100ms, rise: 1, fall: 2}
          circuitBreaker: {failureRatio: 0.5, minimumRequests: 4, window: 10s, openFor: 1s}
      routes:
        - {id: hang, path: /api/hang, auth: none, timeout: 300ms, upstream: svc, upstreamPath: /hang}
        - {id: slow-in-time, path: /api/slow, auth: none, timeout: 3s, upstream: svc,
           upstreamPath: /slow/100}
        - {id: upload, path: /api/upload, methods: [POST], auth: none, maxBodyBytes: 1000,
           upstream: svc, upstreamPath: /upload}
        - {id: flaky, path: /api/flaky, auth: none, upstream: flaky, upstreamPath: /flaky}
        - {id: client-errors, path: /api/client-errors, auth: none, upstream: client-errors,
           upstreamPath: /status/404}
        - id: sequential
          path: /api/seq/{id}
          auth: none
          timeout: 2s
          compose:
            - {part: transactions, upstream: svc, path: "/echo/tx/{account.owner}"}
            - {part: account, upstream: svc, path: "/account/{id}"}
            - {part: rates, upstream: svc, path: /echo/rates, required: false, after: [account]}
        - id: optional-slow
          path: /api/optional-slow/{id}
          auth: none
          timeout: 2s
          compose:
            - {part: account, upstream: svc, path: "/account/{id}"}
            - {part: slow, upstream: svc, path: /slow/1500, required: false, timeout: 200ms,
               fallback: {items: []}}
        - id: missing-dependency
          path: /api/missing-dependency
          auth: none
          timeout: 2s
          compose:
            - {part: broken, upstream: svc, path: /status/500, required: false}
            - {part: dependent, upstream: svc, path: "/echo/dep/{broken.id}", required: false}
            - {part: fine, upstream: svc, path: /echo/fine}
        - id: required-fails
          path: /api/required/{kind}
          auth: none
          timeout: 2s
          compose:
            - {part: a, upstream: svc, path: "/status/{kind}"}
        - id: required-dead
          path: /api/required-dead
          auth: none
          timeout: 2s
          compose:
            - {part: a, upstream: dead, path: /account/x}
        - id: required-slow
          path: /api/required-slow
          auth: none
          timeout: 2s
          compose:
            - {part: a, upstream: svc, path: /slow/1500, timeout: 200ms}
        - id: required-fails-first
          path: /api/required-first
          auth: none
          timeout: 10s
          compose:
            - {part: slow, upstream: svc, path: /slow/4000, required: false, timeout: 9s}
            - {part: a, upstream: svc, path: /status/404}
        - id: required-fails-before-later
          path: /api/required-before-later
          auth: none
          timeout: 10s
          compose:
            - {part: slow, upstream: svc, path: /slow/700, required: false}
            - {part: later, upstream: svc, path: /echo/later, required: false, after: [slow]}
            - {part: a, upstream: svc, path: /status/404}
        - id: deadline
          path: /api/deadline
          auth: none
          timeout: 800ms
          compose:
            - {part: first, upstream: svc, path: /slow/500}
            - {part: second, upstream: svc, path: /stall, after: [first], timeout: 800ms}
        - id: flaky-overview
          path: /api/flaky-overview
          auth: none
          timeout: 2s
          compose:
            - {part: account, upstream: svc, path: /account/x}
            - {part: flaky, upstream: flaky, path: /flaky, required: false}
      """;

  private static Vertx vertx;
  private static MisbehavingUpstream upstream;
  private static MisbehavingUpstream flaky;
  private static RunningInstance gateway;
  private static String base;
  private static String metrics;

  @BeforeAll
  static void startGateway() throws Exception {
    vertx = Vertx.vertx();
    upstream = MisbehavingUpstream.start(vertx);
    flaky = MisbehavingUpstream.start(vertx);
    var config =
        ConfigLoader.withVariables(
                Map.of(
                    "SVC", upstream.endpoints(),
                    "DEAD", "127.0.0.1:" + FreePorts.next(),
                    "FLAKY", flaky.endpoint()))
            .parse("resilience.yaml", CONFIG);
    gateway = ReadyGateway.start(config);
    base = "http://127.0.0.1:" + gateway.httpPort();
    metrics = "http://127.0.0.1:" + gateway.adminPort() + "/metrics";
  }

  @AfterAll
  static void stopGateway() throws Exception {
    try {
      if (gateway != null) {
        gateway.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    } finally {
      if (upstream != null) {
        upstream.close();
      }
      if (flaky != null) {
        flaky.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aProxiedRoutePastItsTimeoutIs504OnceAndTheUpstreamConnectionIsClosedWithoutRetry() {
    // Several requests: the attempt's idle timeout and the route's deadline end together, and
    // which of them ran first decided whether a retry went out after the deadline.
    int requests = 5;
    int closedBefore = upstream.hangClosed.get();
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();

      HttpResponse<String> response = Http.get(base + "/api/hang");

      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(response.headers().firstValue("Content-Type"))
          .contains("application/problem+json");
      assertThat(new JsonObject(response.body()).getString("type"))
          .isEqualTo("urn:edge-stack:problem:upstream-timeout");
      // Well before the pool's own 5 s request timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
    // The pool could retry a timeout elsewhere, but the route's deadline has passed.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> upstream.hangClosed.get() >= closedBefore + requests);
    assertThat(upstream.calls("/hang")).isEqualTo(requests);
  }

  @Test
  void aProxiedRouteAnsweredWithinItsTimeoutIsRelayed() {
    assertThat(Http.get(base + "/api/slow").statusCode()).isEqualTo(200);
  }

  @Test
  void aChunkedBodyOverTheRouteLimitIs413AndNeverReachesTheUpstreamComplete() throws Exception {
    HttpResponse<String> small = postChunked(base + "/api/upload", 900);
    assertThat(small.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(small.body()).getInteger("bytes")).isEqualTo(900);
    int completed = upstream.uploadsCompleted.get();

    HttpResponse<String> large = postChunked(base + "/api/upload", 8_000);

    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(large.body()).getString("type"))
        .isEqualTo("urn:edge-stack:problem:payload-too-large");
    assertThat(upstream.uploadsCompleted.get()).isEqualTo(completed);
  }

  @Test
  void aSequentialPartUsesAFieldOfTheAnswerItWaitedFor() {
    HttpResponse<String> response = Http.get(base + "/api/seq/acc-1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Partial-Response")).isEmpty();
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getJsonObject("account").getString("owner")).isEqualTo("owner-of-acc-1");
    assertThat(body.getJsonObject("transactions").getString("uri"))
        .isEqualTo("/echo/tx/owner-of-acc-1");
    assertThat(body.getJsonObject("rates").getString("uri")).isEqualTo("/echo/rates");
    assertThat(body.getJsonArray("missing")).isEmpty();
  }

  @Test
  void aSlowOptionalPartIsCutAtItsOwnTimeoutAndHoldsItsFallback() {
    long start = System.nanoTime();

    HttpResponse<String> response = Http.get(base + "/api/optional-slow/acc-2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
    assertThat(response.headers().firstValue("X-Partial-Response")).contains("slow");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getJsonObject("slow"))
        .isEqualTo(new JsonObject().put("items", new JsonArray()));
    assertThat(body.getJsonArray("missing")).isEqualTo(new JsonArray().add("slow"));
    assertThat(body.getJsonObject("account").getString("id")).isEqualTo("acc-2");
  }

  @Test
  void anOptionalPartWhoseDependencyIsMissingIsReportedMissingAndNeverCalled() {
    HttpResponse<String> response = Http.get(base + "/api/missing-dependency");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("X-Partial-Response")).contains("broken,dependent");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.getJsonArray("missing"))
        .isEqualTo(new JsonArray().add("broken").add("dependent"));
    assertThat(body.getValue("dependent")).isNull();
    assertThat(body.getJsonObject("fine").getString("uri")).isEqualTo("/echo/fine");
    assertThat(upstream.calls("/echo/dep")).isZero();
    assertThat(
            metric(
                "edge_gateway_compose_parts_total{",
                "outcome=\"skipped\"",
                "part=\"dependent\"",
                "route=\"missing-dependency\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            metric(
                "edge_gateway_compose_parts_total{",
                "outcome=\"bad-upstream-response\"",
                "part=\"broken\"",
                "route=\"missing-dependency\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRequiredPartThatFailsIs502503Or504NeverA200() {
    assertThat(Http.get(base + "/api/required/500").statusCode()).isEqualTo(502);
    assertThat(Http.get(base + "/api/required/503").statusCode()).isEqualTo(503);
    assertThat(Http.get(base + "/api/required/504").statusCode()).isEqualTo(504);
    // Its only endpoint fails its health check: no healthy endpoint.
    assertThat(Http.get(base + "/api/required-dead").statusCode()).isEqualTo(503);
    HttpResponse<String> slow = Http.get(base + "/api/required-slow");
    assertThat(slow.statusCode()).isEqualTo(504);
    assertThat(slow.headers().firstValue("Content-Type")).contains("application/problem+json");
  }

  @Test
  void aRequiredPartThatFailsIsAnsweredWithoutWaitingForTheOtherParts() {
    long start = System.nanoTime();

    HttpResponse<String> response = Http.get(base + "/api/required-first");

    // The optional part answers after 4 s; the required one fails at once.
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void aPartWhoseTurnComesAfterARequiredPartFailedIsNeverCalled() {
    HttpResponse<String> response = Http.get(base + "/api/required-before-later");

    assertThat(response.statusCode()).isEqualTo(404);
    // "later" waits for "slow" (700 ms), by which time the answer has gone out.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                metric(
                        "edge_gateway_compose_parts_total{",
                        "outcome=\"skipped\"",
                        "part=\"later\"",
                        "route=\"required-fails-before-later\"")
                    >= 1);
    assertThat(upstream.calls("/echo/later")).isZero();
  }

  @Test
  void aLaterPartNeverOutlivesTheRouteDeadline() {
    long start = System.nanoTime();

    HttpResponse<String> response = Http.get(base + "/api/deadline");

    // first takes 500 ms; second may wait 800 ms on its own but only 300 ms are left.
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1250));
  }

  @Test
  void theBreakerOpensAnswers503AtOnceThenProbesAndCloses() {
    flaky.flakyStatus.set(500);
    for (int i = 0; i < 4; i++) {
      assertThat(Http.get(base + "/api/flaky").statusCode()).isEqualTo(500);
    }
    int calls = flaky.calls("/flaky");

    HttpResponse<String> rejected = Http.get(base + "/api/flaky");
    HttpResponse<String> composed = Http.get(base + "/api/flaky-overview");

    assertThat(rejected.statusCode()).isEqualTo(503);
    assertThat(rejected.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(rejected.headers().firstValue("Retry-After")).contains("1");
    assertThat(composed.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(composed.body()).getJsonArray("missing"))
        .isEqualTo(new JsonArray().add("flaky"));
    assertThat(flaky.calls("/flaky")).isEqualTo(calls);
    assertThat(metric("edge_gateway_circuit_state{", "upstream=\"flaky\"")).isEqualTo(2);
    assertThat(
            metric(
                "edge_gateway_circuit_transitions_total{",
                "from=\"closed\"",
                "to=\"open\"",
                "upstream=\"flaky\""))
        .isEqualTo(1);

    flaky.flakyStatus.set(200);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Http.get(base + "/api/flaky").statusCode() == 200);

    assertThat(Http.get(base + "/api/flaky").statusCode()).isEqualTo(200);
    assertThat(metric("edge_gateway_circuit_state{", "upstream=\"flaky\"")).isEqualTo(0);
    assertThat(
            metric(
                "edge_gateway_circuit_transitions_total{",
                "from=\"half-open\"",
                "to=\"closed\"",
                "upstream=\"flaky\""))
        .isEqualTo(1);
  }

  @Test
  void clientErrorsOfAnUpstreamNeverOpenItsBreaker() {
    for (int i = 0; i < 8; i++) {
      assertThat(Http.get(base + "/api/client-errors").statusCode()).isEqualTo(404);
    }
    assertThat(metric("edge_gateway_circuit_state{", "upstream=\"client-errors\"")).isEqualTo(0);
  }

  /** The value of the one scraped series whose line holds every fragment; -1 when none does. */
  private static double metric(String... fragments) {
    for (String line : Http.get(metrics).body().split("\n")) {
      boolean all = !line.startsWith("#");
      for (String fragment : fragments) {
        all &= line.contains(fragment);
      }
      if (all) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static HttpResponse<String> postChunked(String url, int bytes)
      throws IOException, InterruptedException {
    // An InputStream body has no known length: the JDK client sends it chunked.
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/octet-stream")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(new byte[bytes])))
            .build();
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }
}
